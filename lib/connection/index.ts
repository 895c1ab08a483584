export { aliyunStatusCode, type ConnectionState } from './ConnectionState';
export {
  createConnection,
  type CloseOptions,
  type Connection,
  type ConnectionConfig,
  type ObserveOptions,
  type PublishResult,
} from './createConnection';
export {
  ConnectionLostError,
  ConnectionRefusedError,
  DeviceClosedError,
  OutsideNamespaceError,
  PublishRefusedError,
  PublishTimeoutError,
  SubscribeRefusedError,
  type PublishRefusal,
} from './errors';
export {
  encodePayload,
  type InboundMessage,
  type JsonValue,
  type OutboundMessage,
  type PublishFailure,
  type PublishReceipt,
} from './messages';
export type { InboundHandler, MqttLink, MqttPort } from './MqttPort';
export { mqttJsPort, type MqttJsPortConfig, type MqttJsPortSettings, type PacketTap } from './mqttJsPort';
export type { DevicePacket, PacketDirection } from './DevicePacket';
export { TlsError } from './TlsError';
export type { OverflowPolicy } from './PublishSink';
export {
  defaultRegistrationPorts,
  httpsPost,
  mqttExchange,
  registrationPortsWith,
} from './defaultRegistrationPorts';
export type {
  ExchangedMessage,
  HttpsAnswer,
  HttpsPostRequest,
  HttpsSendRequest,
  MqttExchangeRequest,
  RegistrationPortOverrides,
  RegistrationPorts,
} from './registrationPorts';
