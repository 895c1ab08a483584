export { signContent, signatureContent, SIGN_METHODS, type SignMethod } from './signContent';
export { mqttCredentials, type CredentialsInput, type MqttCredentials } from './mqttCredentials';
export { isInDeviceNamespace, namespaceOwner, type DeviceIdentity } from './deviceNamespace';
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
  DeviceIdentityFields,
  DeviceOptionFields,
  ReconnectPolicy,
  decodeDeviceOptions,
  DeviceOptionsError,
  timestampNow,
  type ResolvedDeviceOptions,
  type ResolvedTlsOptions,
  type Option,
  type OfflineOverflow,
  type RegistrationMethod,
  type Timestamp,
} from './deviceOptions';
export { TlsOptions, tlsForEndpoint, type Pem } from './tlsOptions';
export { ALIYUN_ROOT_CERTIFICATES, ALIYUN_IOT_ROOT_CA, GLOBALSIGN_ROOT_CA } from './aliyunRootCertificates';
export { closestName, nameDistance } from './closestName';
export {
  memorySecretStore,
  isDeviceCredential,
  type DeviceCredential,
  type SecretStore,
} from './secretStore';
export {
  HTTPS_REGISTRATION_PATH,
  httpsRegistrationForm,
  registrationCredentials,
  registrationEndpoint,
  registrationSign,
  tokenCredentials,
  type DeviceTokenLogin,
  type MqttRegistrationType,
  type RegistrationCredentialsInput,
  type RegistrationEndpoint,
  type RegistrationSignInput,
} from './registrationCredentials';
