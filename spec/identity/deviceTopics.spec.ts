import fc from 'fast-check';
import { isInDeviceNamespace, namespaceOwner } from '../../lib/identity/deviceNamespace';
import { deviceTopics, type DeviceTopics } from '../../lib/identity/deviceTopics';

const device = { productKey: 'a1TestPK001', deviceName: 'dev01' };

/** Every topic of a device, builders called with `arg` (and a topic of the device's own for a second argument). */
function allTopics(topics: DeviceTopics, arg: string): [string, string][] {
  return Object.entries(topics).map(([name, topic]) => [
    name,
    typeof topic === 'function'
      ? (topic as (arg: string, topic: string) => string)(arg, topics.userTopic(arg))
      : (topic as string),
  ]);
}

describe('deviceTopics', () => {
  const topics = deviceTopics(device);

  it.each<[string, string]>([
    ['propertyPost', '/sys/a1TestPK001/dev01/thing/event/property/post'],
    ['topoAdd', '/sys/a1TestPK001/dev01/thing/topo/add'],
    ['topoChangeReply', '/sys/a1TestPK001/dev01/thing/topo/change_reply'],
    ['listFound', '/sys/a1TestPK001/dev01/thing/list/found'],
    ['topoAddNotify', '/sys/a1TestPK001/dev01/thing/topo/add/notify'],
    ['topoAddNotifyReply', '/sys/a1TestPK001/dev01/thing/topo/add/notify_reply'],
    ['subRegister', '/sys/a1TestPK001/dev01/thing/sub/register'],
    ['combineLogin', '/ext/session/a1TestPK001/dev01/combine/login'],
    ['combineBatchLogout', '/ext/session/a1TestPK001/dev01/combine/batch_logout'],
    ['propertyPostReply', '/sys/a1TestPK001/dev01/thing/event/property/post_reply'],
    ['propertySet', '/sys/a1TestPK001/dev01/thing/service/property/set'],
    ['propertySetReply', '/sys/a1TestPK001/dev01/thing/service/property/set_reply'],
    ['rrpcRequestFilter', '/sys/a1TestPK001/dev01/rrpc/request/+'],
    ['propertyDesiredGet', '/sys/a1TestPK001/dev01/thing/property/desired/get'],
    ['propertyDesiredGetReply', '/sys/a1TestPK001/dev01/thing/property/desired/get_reply'],
    ['propertyDesiredDelete', '/sys/a1TestPK001/dev01/thing/property/desired/delete'],
    ['propertyDesiredDeleteReply', '/sys/a1TestPK001/dev01/thing/property/desired/delete_reply'],
    ['dslTemplateGet', '/sys/a1TestPK001/dev01/thing/dsltemplate/get'],
    ['dslTemplateGetReply', '/sys/a1TestPK001/dev01/thing/dsltemplate/get_reply'],
    ['disable', '/sys/a1TestPK001/dev01/thing/disable'],
    ['disableReply', '/sys/a1TestPK001/dev01/thing/disable_reply'],
    ['enable', '/sys/a1TestPK001/dev01/thing/enable'],
    ['enableReply', '/sys/a1TestPK001/dev01/thing/enable_reply'],
    ['delete', '/sys/a1TestPK001/dev01/thing/delete'],
    ['deleteReply', '/sys/a1TestPK001/dev01/thing/delete_reply'],
    ['logPost', '/sys/a1TestPK001/dev01/thing/log/post'],
    ['logPostReply', '/sys/a1TestPK001/dev01/thing/log/post_reply'],
    ['logConfigGet', '/sys/a1TestPK001/dev01/thing/config/log/get'],
    ['logConfigGetReply', '/sys/a1TestPK001/dev01/thing/config/log/get_reply'],
    ['logConfigPush', '/sys/a1TestPK001/dev01/thing/config/log/push'],
    ['diagPost', '/sys/a1TestPK001/dev01/_thing/diag/post'],
    ['diagPostReply', '/sys/a1TestPK001/dev01/_thing/diag/post_reply'],
    ['fileUploadInit', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/init'],
    ['fileUploadInitReply', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/init_reply'],
    ['fileUploadSend', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/send'],
    ['fileUploadSendReply', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/send_reply'],
    ['fileUploadCancel', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/cancel'],
    ['fileUploadCancelReply', '/sys/a1TestPK001/dev01/thing/file/upload/mqtt/cancel_reply'],
    ['jobNotify', '/sys/a1TestPK001/dev01/thing/job/notify'],
    ['jobNotifyReply', '/sys/a1TestPK001/dev01/thing/job/notify_reply'],
    ['jobGet', '/sys/a1TestPK001/dev01/thing/job/get'],
    ['jobGetReply', '/sys/a1TestPK001/dev01/thing/job/get_reply'],
    ['jobUpdate', '/sys/a1TestPK001/dev01/thing/job/update'],
    ['jobUpdateReply', '/sys/a1TestPK001/dev01/thing/job/update_reply'],
    ['fileDownload', '/sys/a1TestPK001/dev01/thing/file/download'],
    ['fileDownloadReply', '/sys/a1TestPK001/dev01/thing/file/download_reply'],
    ['upRaw', '/sys/a1TestPK001/dev01/thing/model/up_raw'],
    ['upRawReply', '/sys/a1TestPK001/dev01/thing/model/up_raw_reply'],
    ['downRaw', '/sys/a1TestPK001/dev01/thing/model/down_raw'],
    ['downRawReply', '/sys/a1TestPK001/dev01/thing/model/down_raw_reply'],
    ['deviceInfoUpdate', '/sys/a1TestPK001/dev01/thing/deviceinfo/update'],
    ['deviceInfoUpdateReply', '/sys/a1TestPK001/dev01/thing/deviceinfo/update_reply'],
    ['deviceInfoDelete', '/sys/a1TestPK001/dev01/thing/deviceinfo/delete'],
    ['deviceInfoDeleteReply', '/sys/a1TestPK001/dev01/thing/deviceinfo/delete_reply'],
    ['otaInform', '/ota/device/inform/a1TestPK001/dev01'],
    ['otaUpgrade', '/ota/device/upgrade/a1TestPK001/dev01'],
    ['otaProgress', '/ota/device/progress/a1TestPK001/dev01'],
    ['otaFirmwareGet', '/sys/a1TestPK001/dev01/thing/ota/firmware/get'],
    ['otaFirmwareGetReply', '/sys/a1TestPK001/dev01/thing/ota/firmware/get_reply'],
    ['ntpRequest', '/ext/ntp/a1TestPK001/dev01/request'],
    ['ntpResponse', '/ext/ntp/a1TestPK001/dev01/response'],
    ['shadowUpdate', '/shadow/update/a1TestPK001/dev01'],
    ['shadowGet', '/shadow/get/a1TestPK001/dev01'],
    ['configGet', '/sys/a1TestPK001/dev01/thing/config/get'],
    ['configGetReply', '/sys/a1TestPK001/dev01/thing/config/get_reply'],
    ['configPush', '/sys/a1TestPK001/dev01/thing/config/push'],
    ['configPushReply', '/sys/a1TestPK001/dev01/thing/config/push_reply'],
    ['error', '/ext/error/a1TestPK001/dev01'],
    ['codecTopicUpdate', '/sys/a1TestPK001/dev01/codec/topic/update'],
    ['codecTopicUpdateReply', '/sys/a1TestPK001/dev01/codec/topic/update_reply'],
  ])('should give %s as %s', (name, topic) => {
    expect(topics[name as keyof DeviceTopics]).toBe(topic);
  });

  it.each<[string, (t: DeviceTopics) => string, string]>([
    ['eventPost', (t) => t.eventPost('alarm'), '/sys/a1TestPK001/dev01/thing/event/alarm/post'],
    [
      'eventPostReply',
      (t) => t.eventPostReply('alarm'),
      '/sys/a1TestPK001/dev01/thing/event/alarm/post_reply',
    ],
    ['service', (t) => t.service('reboot'), '/sys/a1TestPK001/dev01/thing/service/reboot'],
    ['serviceReply', (t) => t.serviceReply('reboot'), '/sys/a1TestPK001/dev01/thing/service/reboot_reply'],
    ['rrpcResponse', (t) => t.rrpcResponse('1234'), '/sys/a1TestPK001/dev01/rrpc/response/1234'],
    ['rrpcRequest', (t) => t.rrpcRequest('1234'), '/sys/a1TestPK001/dev01/rrpc/request/1234'],
    [
      'extRrpc',
      (t) => t.extRrpc('1234', t.service('reboot')),
      '/ext/rrpc/1234/sys/a1TestPK001/dev01/thing/service/reboot',
    ],
    ['extRrpc', (t) => t.extRrpc('1234', t.userTopic('get')), '/ext/rrpc/1234/a1TestPK001/dev01/user/get'],
    ['broadcastRequest', (t) => t.broadcastRequest('77'), '/sys/a1TestPK001/dev01/broadcast/request/77'],
    ['broadcast', (t) => t.broadcast('news'), '/broadcast/a1TestPK001/news'],
    ['userTopic', (t) => t.userTopic('get'), '/a1TestPK001/dev01/user/get'],
    ['userTopic', (t) => t.userTopic('a/b'), '/a1TestPK001/dev01/user/a/b'],
    ['eventPostReply', (t) => t.eventPostReply('+'), '/sys/a1TestPK001/dev01/thing/event/+/post_reply'],
  ])('should build %s as %s', (_, build, topic) => {
    expect(build(topics)).toBe(topic);
  });

  it.each(allTopics(topics, 'x'))('should keep %s (%s) inside the device namespace', (_, topic) => {
    expect(isInDeviceNamespace(device, topic)).toBe(true);
  });

  it.each(allTopics(topics, '+'))(
    'should keep the filter %s (%s) inside the device namespace',
    (_, topic) => {
      expect(isInDeviceNamespace(device, topic)).toBe(true);
    },
  );

  it('should keep every topic of any valid device inside its namespace and outside another device', () => {
    const productKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}$/);
    const deviceName = fc.stringMatching(/^[A-Za-z0-9_.@:-]{4,32}$/);
    const arg = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
    fc.assert(
      fc.property(productKey, deviceName, deviceName, arg, (pk, dn, other, a) => {
        fc.pre(dn !== other);
        const id = { productKey: pk, deviceName: dn };
        for (const [name, topic] of allTopics(deviceTopics(id), a)) {
          expect([name, isInDeviceNamespace(id, topic)]).toEqual([name, true]);
          // A product broadcast is shared by every device of the product.
          const shared = name === 'broadcast';
          expect([name, isInDeviceNamespace({ productKey: pk, deviceName: other }, topic)]).toEqual([
            name,
            shared,
          ]);
        }
      }),
    );
  });
});

describe('namespaceOwner', () => {
  it('should name the device of every topic of a device but a topic broadcast, which names only the product', () => {
    // Keys as the platform makes them (11 characters): no product is named `sys`, `ext`, `ota` or `shadow`.
    const productKey = fc.stringMatching(/^a1[A-Za-z0-9]{9}$/);
    const deviceName = fc.stringMatching(/^[A-Za-z0-9_.@:-]{4,32}$/);
    const arg = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
    fc.assert(
      fc.property(productKey, deviceName, arg, (pk, dn, a) => {
        const id = { productKey: pk, deviceName: dn };
        for (const [name, topic] of allTopics(deviceTopics(id), a)) {
          expect([name, namespaceOwner(topic)]).toEqual([name, name === 'broadcast' ? undefined : id]);
        }
      }),
    );
  });

  it.each([
    '/sys/+/dev01/#',
    '/sys/a1TestPK001/+/thing/#',
    '/broadcast/a1TestPK001/x',
    '/',
    '/sys',
    'no/leading/slash',
  ])('should name no device for %s', (topic) => {
    expect(namespaceOwner(topic)).toBeUndefined();
  });
});
