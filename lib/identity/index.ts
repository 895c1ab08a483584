export { signContent, signatureContent, SIGN_METHODS, type SignMethod } from './signContent';
export { mqttCredentials, type CredentialsInput, type MqttCredentials } from './mqttCredentials';
export { isInDeviceNamespace, type DeviceIdentity } from './deviceNamespace';
export { deviceTopics, type DeviceTopics } from './deviceTopics';
export {
  resolveEndpoint,
  Endpoint,
  DEFAULT_ENDPOINT,
  ENDPOINT_PROTOCOLS,
  type EndpointSecureMode,
  type ResolvedEndpoint,
} from './resolveEndpoint';
export { ProductKey, DeviceName, ClientId } from './identifiers';
export {
  DeviceOptions,
  decodeDeviceOptions,
  DeviceOptionsError,
  type ResolvedDeviceOptions,
  type ReconnectPolicy,
  type OfflineOverflow,
} from './deviceOptions';
