export {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorTlsOptions,
  type CloudPublishOptions,
} from './startEmulator';
export type { RrpcOptions } from './cloudServices';
export type { PubBroadcastOptions } from './cloudBroadcasts';
export type { PlatformErrorFields } from '../protocol';
export type {
  EmulatorEvent,
  OnlineDevice,
  ReceivedMessage,
  RefusalReason,
  ViolationReason,
  DisconnectReason,
} from './emulatorEvent';
export {
  EmulatorClosedError,
  DeviceOfflineError,
  RrpcTimeoutError,
  PayloadTooLargeError,
} from './emulatorErrors';
export { MissingPeerDependencyError } from './loadAedes';
export type { EmulatedProduct, EmulatedDevice } from './authenticateDevice';
export type { CloudPayload, Firmware } from './cloudPayloads';
export {
  createCertificateAuthority,
  type CertificateAuthority,
  type CertificateOptions,
  type IssueOptions,
  type KeyPair,
} from './certificates';
