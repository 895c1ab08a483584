// The public API of rx-aliyun-iot. The emulator is a separate entry point: 'rx-aliyun-iot/emulator'.

// device
export { createDevice, type AliyunDevice, type DeviceTransport } from './device';

// connection
export {
  aliyunStatusCode,
  ConnectionLostError,
  ConnectionRefusedError,
  DeviceClosedError,
  encodePayload,
  OutsideNamespaceError,
  PublishRefusedError,
  PublishTimeoutError,
  SubscribeRefusedError,
  type Connection,
  type ConnectionState,
  type InboundMessage,
  type JsonValue,
  type InboundHandler,
  type MqttLink,
  type MqttPort,
  type PublishReceiver,
  type ObserveOptions,
  type OutboundMessage,
  type OverflowPolicy,
  type PublishFailure,
  type PublishReceipt,
  type PublishRefusal,
  type PublishResult,
} from './connection';

// identity
export {
  decodeDeviceOptions,
  deviceTopics,
  DeviceOptionsError,
  isInDeviceNamespace,
  mqttCredentials,
  resolveEndpoint,
  signContent,
  signatureContent,
  SIGN_METHODS,
  type CredentialsInput,
  type DeviceIdentity,
  type DeviceOptions,
  type DeviceTopics,
  type Endpoint,
  type EndpointSecureMode,
  type MqttCredentials,
  type OfflineOverflow,
  type ReconnectPolicy,
  type ResolvedDeviceOptions,
  type ResolvedEndpoint,
  type SignMethod,
} from './identity';

// topics
export {
  extractParams,
  InvalidTopicError,
  matchTopic,
  toMqttFilter,
  TopicRouter,
  validateFilter,
  validateTopic,
  type TopicMatch,
  type TopicParams,
  type ValidateFilterOptions,
} from './topic';

// operators
export {
  backoffDelay,
  classifyTopic,
  decodeJson,
  decodePayload,
  ofKind,
  publishWhileConnected,
  retryBackoff,
  type BackoffPolicy,
  type Classified,
  type DecodeError,
  type Decoded,
  type PayloadMessage,
  type PeriodicPublishError,
  type PublishWhileConnectedConfig,
  type RetryBackoffOptions,
  type RetryInfo,
  type TopicRoutes,
} from './operators';

// the Alink wire format
export {
  ALINK_CODES,
  AlinkReply,
  alinkReply,
  AlinkRequest,
  alinkRequest as alinkRequestPayload,
  codeName,
  isDeviceDefinedCode,
  messageIds,
  nextMessageId,
  OTA_FAILURE_STEPS,
  OtaFirmware,
  OtaPush,
  otaProgress,
  PLATFORM_ERROR_CODES,
  RRPC_DEADLINE_MS,
  type AlinkCodeName,
  type AlinkReplyFields,
  type AlinkReplyPayload,
  type AlinkRequestFields,
  type AlinkRequestPayload,
  type DigestMethod,
  type NtpSample,
  type OtaStep,
} from './protocol';

// platform services: functions of a device
export {
  alinkNotify,
  alinkRequest,
  deleteTags,
  platformErrors,
  productBroadcasts,
  request,
  syncTime,
  topicBroadcasts,
  updateTags,
  type AlinkDevice,
  type PlatformError,
  type ProductBroadcast,
  type SyncTimeOptions,
  type TimeSync,
  type TopicBroadcast,
  type AlinkRequestOptions,
  type AlinkRequestSpec,
  type ReplyFailure,
  type RequestFailure,
  type RequestSpec,
  type SubscribeFailure,
  type TimeoutFailure,
} from './alink';

// sys_bus port, for code coming from QuecPython
export {
  createSysBus,
  type SysBus,
  type SysBusFailure,
  type SysBusHandler,
  type SysBusOptions,
} from './sysbus';
