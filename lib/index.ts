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
  OtaPush,
  otaProgress,
  RRPC_DEADLINE_MS,
  type AlinkCodeName,
  type AlinkReplyFields,
  type AlinkReplyPayload,
  type AlinkRequestFields,
  type AlinkRequestPayload,
  type OtaStep,
} from './protocol';

// platform services: functions of a device
export {
  alinkNotify,
  alinkRequest,
  ReplyError,
  request,
  serve,
  serveRrpc,
  type AlinkDevice,
  type AlinkRequestOptions,
  type AlinkRequestSpec,
  type Answered,
  type BadRequest,
  type Failed,
  type Late,
  type ReplyFailure,
  type RequestFailure,
  type RequestSpec,
  type RrpcRequest,
  type RrpcResponse,
  type ServedRequest,
  type ServeOptions,
  type ServeOutcome,
  type ServeReply,
  type ServeRrpcDecodedOptions,
  type ServeRrpcOptions,
  type ServeSpec,
  type SubscribeFailure,
  type TimeoutFailure,
  type Unanswered,
} from './alink';

// sys_bus port, for code coming from QuecPython
export {
  createSysBus,
  type SysBus,
  type SysBusFailure,
  type SysBusHandler,
  type SysBusOptions,
} from './sysbus';
