import type { DeviceIdentity } from './deviceNamespace';

/**
 * The topics of one device. Builders insert their argument as it is: pass `'+'` to get a
 * filter, e.g. `eventPostReply('+')`.
 */
export interface DeviceTopics {
  /** Device → cloud: report properties. */
  readonly propertyPost: string;
  /** Cloud → device: the reply to `propertyPost`. */
  readonly propertyPostReply: string;
  /** Cloud → device: set properties. */
  readonly propertySet: string;
  /** Device → cloud: the reply to `propertySet`. */
  readonly propertySetReply: string;
  /** Device → cloud: report an event of the thing model. */
  readonly eventPost: (eventId: string) => string;
  /** Cloud → device: the reply to `eventPost(eventId)`. */
  readonly eventPostReply: (eventId: string) => string;
  /** Gateway → cloud: its own and its sub-devices' properties and events in one message. */
  readonly propertyPackPost: string;
  /** Cloud → device: the reply to `propertyPackPost`. */
  readonly propertyPackPostReply: string;
  /** Device → cloud: properties and events measured earlier, with their times. */
  readonly propertyHistoryPost: string;
  /** Cloud → device: the reply to `propertyHistoryPost`. */
  readonly propertyHistoryPostReply: string;
  /** Device → cloud: several values of each property, and occurrences of each event, in one message. */
  readonly propertyBatchPost: string;
  /** Cloud → device: the reply to `propertyBatchPost`. */
  readonly propertyBatchPostReply: string;
  /** Cloud → device: invoke a service asynchronously. */
  readonly service: (serviceId: string) => string;
  /** Device → cloud: the reply to `service(serviceId)`. */
  readonly serviceReply: (serviceId: string) => string;
  /** Cloud → device: every system RRPC request (arrives without a subscription). */
  readonly rrpcRequestFilter: string;
  /** Cloud → device: the system RRPC request `messageId`. */
  readonly rrpcRequest: (messageId: string) => string;
  /** Device → cloud: the answer to the system RRPC request `messageId` (QoS 0, within 8 s). */
  readonly rrpcResponse: (messageId: string) => string;
  /**
   * Both ways: `topic` (one of the device's own, starting with `/`) called over RRPC, as a synchronous service
   * or a custom RRPC: `/ext/rrpc/${messageId}${topic}`. The device answers on the same topic.
   */
  readonly extRrpc: (messageId: string, topic: string) => string;
  /** Device → cloud: ask for the desired values of properties. */
  readonly propertyDesiredGet: string;
  /** Cloud → device: the reply to `propertyDesiredGet`. */
  readonly propertyDesiredGetReply: string;
  /** Device → cloud: clear desired values of properties. */
  readonly propertyDesiredDelete: string;
  /** Cloud → device: the reply to `propertyDesiredDelete`. */
  readonly propertyDesiredDeleteReply: string;
  /** Device → cloud: ask for the product's thing model (TSL). */
  readonly dslTemplateGet: string;
  /** Cloud → device: the reply to `dslTemplateGet`. */
  readonly dslTemplateGetReply: string;
  /**
   * Device → cloud: a pass-through ("custom" data format) product's own bytes, which the product's
   * data-parsing script turns into Alink (`rawDataToProtocol`): its property and event posts, and its replies.
   */
  readonly upRaw: string;
  /** Cloud → device: the platform's answer to `upRaw`, in the product's own format (`protocolToRawData`). */
  readonly upRawReply: string;
  /**
   * Cloud → device: a property set or service call in the product's own format. A synchronous call comes
   * over RRPC instead, on `extRrpc(messageId, downRaw)`, and is answered on that topic.
   */
  readonly downRaw: string;
  /** Device → cloud: the answer to `downRaw`, in the product's own format. */
  readonly downRawReply: string;
  /** Device → cloud: report the firmware version. */
  readonly otaInform: string;
  /** Cloud → device: an upgrade is pushed. */
  readonly otaUpgrade: string;
  /** Device → cloud: upgrade progress. */
  readonly otaProgress: string;
  /** Device → cloud: ask for the pending firmware. */
  readonly otaFirmwareGet: string;
  /** Cloud → device: the reply to `otaFirmwareGet`. */
  readonly otaFirmwareGetReply: string;
  /** Device → cloud: NTP request. */
  readonly ntpRequest: string;
  /** Cloud → device: NTP response. */
  readonly ntpResponse: string;
  /** Device → cloud: report or clear the shadow. */
  readonly shadowUpdate: string;
  /** Cloud → device: shadow replies and desired-state pushes. */
  readonly shadowGet: string;
  /** Device → cloud: ask for the remote configuration. */
  readonly configGet: string;
  /** Cloud → device: the reply to `configGet`. */
  readonly configGetReply: string;
  /** Cloud → device: a configuration is pushed. */
  readonly configPush: string;
  /** Device → cloud: the reply to `configPush`. */
  readonly configPushReply: string;
  /** Device → cloud: its local logs (`thing.log.post`); the reply is `logPostReply`. */
  readonly logPost: string;
  readonly logPostReply: string;
  /** Device → cloud: ask whether to report logs (`thing.config.log.get`); answered on `logConfigGetReply`. */
  readonly logConfigGet: string;
  readonly logConfigGetReply: string;
  /** Cloud → device: the console switched log reporting (`thing.config.log.push`). */
  readonly logConfigPush: string;
  /**
   * Device → cloud: a Wi-Fi device's network status (`rssi`, `snr`, `per`, `err_stats`; no `method`);
   * answered on `diagPostReply`.
   */
  readonly diagPost: string;
  readonly diagPostReply: string;
  /** Device → cloud: start uploading a file (`fileName`, `fileSize`, ...); answered on `fileUploadInitReply`. */
  readonly fileUploadInit: string;
  readonly fileUploadInitReply: string;
  /** Device → cloud: one chunk of an upload, a binary frame (`encodeUploadChunk`); answered on `fileUploadSendReply`. */
  readonly fileUploadSend: string;
  readonly fileUploadSendReply: string;
  /** Device → cloud: give up an upload (`uploadId`); answered on `fileUploadCancelReply`. */
  readonly fileUploadCancel: string;
  readonly fileUploadCancelReply: string;
  /** Cloud → device: a task of a job was pushed, changed or ended (`JobNotifyParams`); answered on `jobNotifyReply`. */
  readonly jobNotify: string;
  readonly jobNotifyReply: string;
  /** Device → cloud: ask for a task, the next one (`$next`) or the list (`$list`); answered on `jobGetReply`. */
  readonly jobGet: string;
  readonly jobGetReply: string;
  /** Device → cloud: report a task's status and progress; answered on `jobUpdateReply`. */
  readonly jobUpdate: string;
  readonly jobUpdateReply: string;
  /**
   * Device → cloud: ask for one block of a file over MQTT (`fileDownloadRequest`: an OTA image announced with
   * `dProtocol: 'mqtt'`); answered on `fileDownloadReply` with a binary frame (`decodeDownloadBlock`).
   */
  readonly fileDownload: string;
  readonly fileDownloadReply: string;
  /** Device → cloud: add or update tags. */
  readonly deviceInfoUpdate: string;
  /** Cloud → device: the reply to `deviceInfoUpdate`. */
  readonly deviceInfoUpdateReply: string;
  /** Device → cloud: delete tags. */
  readonly deviceInfoDelete: string;
  /** Cloud → device: the reply to `deviceInfoDelete`. */
  readonly deviceInfoDeleteReply: string;
  /** Cloud → device: a topic broadcast to the product (subscribe to receive it). */
  readonly broadcast: (name: string) => string;
  /** Cloud → device: the product broadcast `messageId` (arrives without a subscription, no reply). */
  readonly broadcastRequest: (messageId: string) => string;
  /** A custom topic of the product: `/pk/dn/user/${suffix}`. */
  readonly userTopic: (suffix: string) => string;
  /** Cloud → device: errors the platform reports about this device. */
  readonly error: string;
  /**
   * Device → cloud: declare which topics carry gzip payloads, either way (`codec/topic/update`); answered on
   * `codecTopicUpdateReply`.
   */
  readonly codecTopicUpdate: string;
  readonly codecTopicUpdateReply: string;
  /** Cloud → device: bootstrap again (`thing.bootstrap.notify`, `cmd` 0); answered on `bootstrapNotifyReply`. */
  readonly bootstrapNotify: string;
  /** Device → cloud: the answer to `bootstrapNotify`. */
  readonly bootstrapNotifyReply: string;
  /**
   * Cloud → sub-device, through its gateway: it was disabled (`thing.disable`); answered on `disableReply`.
   * `enable` and `delete` likewise: enabled again, deleted.
   */
  readonly disable: string;
  readonly disableReply: string;
  readonly enable: string;
  readonly enableReply: string;
  readonly delete: string;
  readonly deleteReply: string;
  /** Gateway → cloud: add sub-devices to the gateway's topology (`thing.topo.add`); its reply is `${topoAdd}_reply`. */
  readonly topoAdd: string;
  /** Gateway → cloud: remove sub-devices from the topology (`thing.topo.delete`). */
  readonly topoDelete: string;
  /** Gateway → cloud: ask for the topology (`thing.topo.get`). */
  readonly topoGet: string;
  /** Cloud → gateway: the topology changed (`thing.topo.change`); answered on `topoChangeReply`. */
  readonly topoChange: string;
  /** Gateway → cloud: the answer to `topoChange`. */
  readonly topoChangeReply: string;
  /**
   * Gateway → cloud: sub-devices the gateway found (`thing.list.found`), for an application to choose which
   * to add; its reply is `${listFound}_reply`.
   */
  readonly listFound: string;
  /** Cloud → gateway: add these sub-devices to your topology (`thing.topo.add.notify`); answered on `topoAddNotifyReply`. */
  readonly topoAddNotify: string;
  /** Gateway → cloud: the answer to `topoAddNotify`. */
  readonly topoAddNotifyReply: string;
  /** Gateway → cloud: register sub-devices and get their secrets (`thing.sub.register`). */
  readonly subRegister: string;
  /** Gateway → cloud: register sub-devices with their product's secret (`thing.proxy.provisioning.product_register`). */
  readonly productRegister: string;
  /** Gateway → cloud: log a sub-device in over the gateway's connection; answered on `${combineLogin}_reply`. */
  readonly combineLogin: string;
  /** Gateway → cloud: log up to 50 sub-devices in at once. */
  readonly combineBatchLogin: string;
  /** Gateway → cloud: log a sub-device out. */
  readonly combineLogout: string;
  /** Gateway → cloud: log several sub-devices out at once. */
  readonly combineBatchLogout: string;
}

/** Every platform topic of one device; all of them lie inside `isInDeviceNamespace`. */
export function deviceTopics({ productKey, deviceName }: DeviceIdentity): DeviceTopics {
  const device = `${productKey}/${deviceName}`;
  const sys = `/sys/${device}`;
  const thing = `${sys}/thing`;
  return {
    propertyPost: `${thing}/event/property/post`,
    propertyPostReply: `${thing}/event/property/post_reply`,
    propertySet: `${thing}/service/property/set`,
    propertySetReply: `${thing}/service/property/set_reply`,
    eventPost: (eventId) => `${thing}/event/${eventId}/post`,
    eventPostReply: (eventId) => `${thing}/event/${eventId}/post_reply`,
    propertyPackPost: `${thing}/event/property/pack/post`,
    propertyPackPostReply: `${thing}/event/property/pack/post_reply`,
    propertyHistoryPost: `${thing}/event/property/history/post`,
    propertyHistoryPostReply: `${thing}/event/property/history/post_reply`,
    propertyBatchPost: `${thing}/event/property/batch/post`,
    propertyBatchPostReply: `${thing}/event/property/batch/post_reply`,
    service: (serviceId) => `${thing}/service/${serviceId}`,
    serviceReply: (serviceId) => `${thing}/service/${serviceId}_reply`,
    rrpcRequestFilter: `${sys}/rrpc/request/+`,
    rrpcRequest: (messageId) => `${sys}/rrpc/request/${messageId}`,
    rrpcResponse: (messageId) => `${sys}/rrpc/response/${messageId}`,
    extRrpc: (messageId, topic) => `/ext/rrpc/${messageId}${topic}`,
    propertyDesiredGet: `${thing}/property/desired/get`,
    propertyDesiredGetReply: `${thing}/property/desired/get_reply`,
    propertyDesiredDelete: `${thing}/property/desired/delete`,
    propertyDesiredDeleteReply: `${thing}/property/desired/delete_reply`,
    dslTemplateGet: `${thing}/dsltemplate/get`,
    dslTemplateGetReply: `${thing}/dsltemplate/get_reply`,
    upRaw: `${thing}/model/up_raw`,
    upRawReply: `${thing}/model/up_raw_reply`,
    downRaw: `${thing}/model/down_raw`,
    downRawReply: `${thing}/model/down_raw_reply`,
    otaInform: `/ota/device/inform/${device}`,
    otaUpgrade: `/ota/device/upgrade/${device}`,
    otaProgress: `/ota/device/progress/${device}`,
    otaFirmwareGet: `${thing}/ota/firmware/get`,
    otaFirmwareGetReply: `${thing}/ota/firmware/get_reply`,
    ntpRequest: `/ext/ntp/${device}/request`,
    ntpResponse: `/ext/ntp/${device}/response`,
    shadowUpdate: `/shadow/update/${device}`,
    shadowGet: `/shadow/get/${device}`,
    configGet: `${thing}/config/get`,
    configGetReply: `${thing}/config/get_reply`,
    configPush: `${thing}/config/push`,
    configPushReply: `${thing}/config/push_reply`,
    logPost: `${thing}/log/post`,
    logPostReply: `${thing}/log/post_reply`,
    logConfigGet: `${thing}/config/log/get`,
    logConfigGetReply: `${thing}/config/log/get_reply`,
    logConfigPush: `${thing}/config/log/push`,
    diagPost: `${sys}/_thing/diag/post`,
    diagPostReply: `${sys}/_thing/diag/post_reply`,
    fileUploadInit: `${thing}/file/upload/mqtt/init`,
    fileUploadInitReply: `${thing}/file/upload/mqtt/init_reply`,
    fileUploadSend: `${thing}/file/upload/mqtt/send`,
    fileUploadSendReply: `${thing}/file/upload/mqtt/send_reply`,
    fileUploadCancel: `${thing}/file/upload/mqtt/cancel`,
    fileUploadCancelReply: `${thing}/file/upload/mqtt/cancel_reply`,
    jobNotify: `${thing}/job/notify`,
    jobNotifyReply: `${thing}/job/notify_reply`,
    jobGet: `${thing}/job/get`,
    jobGetReply: `${thing}/job/get_reply`,
    jobUpdate: `${thing}/job/update`,
    jobUpdateReply: `${thing}/job/update_reply`,
    fileDownload: `${thing}/file/download`,
    fileDownloadReply: `${thing}/file/download_reply`,
    deviceInfoUpdate: `${thing}/deviceinfo/update`,
    deviceInfoUpdateReply: `${thing}/deviceinfo/update_reply`,
    deviceInfoDelete: `${thing}/deviceinfo/delete`,
    deviceInfoDeleteReply: `${thing}/deviceinfo/delete_reply`,
    broadcast: (name) => `/broadcast/${productKey}/${name}`,
    broadcastRequest: (messageId) => `${sys}/broadcast/request/${messageId}`,
    userTopic: (suffix) => `/${device}/user/${suffix}`,
    error: `/ext/error/${device}`,
    codecTopicUpdate: `${sys}/codec/topic/update`,
    codecTopicUpdateReply: `${sys}/codec/topic/update_reply`,
    bootstrapNotify: `${thing}/bootstrap/notify`,
    bootstrapNotifyReply: `${thing}/bootstrap/notify_reply`,
    disable: `${thing}/disable`,
    disableReply: `${thing}/disable_reply`,
    enable: `${thing}/enable`,
    enableReply: `${thing}/enable_reply`,
    delete: `${thing}/delete`,
    deleteReply: `${thing}/delete_reply`,
    topoAdd: `${thing}/topo/add`,
    topoDelete: `${thing}/topo/delete`,
    topoGet: `${thing}/topo/get`,
    topoChange: `${thing}/topo/change`,
    topoChangeReply: `${thing}/topo/change_reply`,
    listFound: `${thing}/list/found`,
    topoAddNotify: `${thing}/topo/add/notify`,
    topoAddNotifyReply: `${thing}/topo/add/notify_reply`,
    subRegister: `${thing}/sub/register`,
    productRegister: `${thing}/proxy/provisioning/product_register`,
    combineLogin: `/ext/session/${device}/combine/login`,
    combineBatchLogin: `/ext/session/${device}/combine/batch_login`,
    combineLogout: `/ext/session/${device}/combine/logout`,
    combineBatchLogout: `/ext/session/${device}/combine/batch_logout`,
  };
}
