export { signContent, signatureContent, SIGN_METHODS, type SignMethod } from './signContent';
export { mqttCredentials, type CredentialsInput, type MqttCredentials } from './mqttCredentials';
export { isInDeviceNamespace, type DeviceIdentity } from './deviceNamespace';
