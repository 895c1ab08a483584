export {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorTlsOptions,
  type CloudPublishOptions,
  type DeviceLatency,
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
  SubscriptionRefusal,
  SubDeviceLogoutReason,
  DisconnectReason,
  CloudCall,
} from './emulatorEvent';
export {
  EmulatorClosedError,
  DeviceOfflineError,
  RrpcTimeoutError,
  PayloadTooLargeError,
  ReplyTimeoutError,
  TslViolationError,
  ShadowVersionConflictError,
  RawDataConversionError,
  DeviceNotFoundError,
  DeviceFileNotFoundError,
  JobNotFoundError,
  JobTaskNotFoundError,
} from './emulatorErrors';
export { DataParserError, type DataParser } from './dataParser';
export type { CloudThingQueries, DesiredProperty, PropertyStatus } from './cloudThing';
export type { PackPostLimits } from './cloudThingBatches';
export type { PropertyDataRange, PropertyRecord } from './propertyStore';
export type { CloudThingCalls, InvokeThingServiceOptions, SetDevicePropertyOptions } from './cloudThingCalls';
export { MissingPeerDependencyError } from './loadAedes';
export type { EmulatedProduct, EmulatedDevice } from './authenticateDevice';
export type { CloudPayload } from './cloudPayloads';
export type { Firmware, OtaReport, OtaUpgradeJob, OtaUpgradeJobOptions } from './cloudOta';
export type { CloudShadowCalls, ShadowMessage, UpdateDeviceShadowOptions } from './cloudShadow';
export type { CloudGatewayCalls } from './cloudGateway';
export type { CloudFoundDevicesCalls, NotifyAddThingTopoOptions } from './cloudFoundDevices';
export type { CloudLifecycleCalls, LifecycleOptions } from './cloudLifecycle';
export type { CloudLogCalls, DeviceLog } from './cloudLogs';
export type {
  CloudDiagnostic,
  CloudDiagnosticCalls,
  DeviceDiagnostics,
  DiagnosticLog,
  NetworkStatusReport,
} from './cloudDiagnostics';
export type { CloudFileCalls, DeviceFile, DeviceFileContent } from './cloudFiles';
export type {
  CloudJob,
  CloudJobCalls,
  CloudJobStatus,
  CloudTask,
  CreateJobFile,
  CreateJobOptions,
  ListTaskOptions,
} from './cloudJobs';
export type { ConfigOptions, ConfigPushReply, ProductConfig } from './cloudConfig';
export type { FileDownload, FileFaults, ServedFile, ServeFileOptions } from './fileServer';
export type { BlockFaults } from './cloudStreams';
export type {
  AlertLevel,
  DiagnosticAlert,
  DiagnosticItem,
  DigestMethod,
  JobFile,
  NetworkStatusSample,
  WifiStatus,
  JobStatus,
  OtaFirmwareFields,
  OtaFirmwareFieldsBase,
  ShadowAttributes,
  ShadowDocument,
  ShadowSections,
} from '../protocol';
export {
  createCertificateAuthority,
  type CertificateAuthority,
  type CertificateOptions,
  type IssueOptions,
  type KeyPair,
} from './certificates';
export type { ForwardingRule } from './forwardingRules';
export {
  DEFAULT_TOPIC_CLASSES,
  LEGACY_TOPIC_CLASSES,
  topicPermissions,
  type TopicAccess,
  type TopicClass,
  type TopicPermissions,
} from './topicPermissions';
export { startCloudApi, type CloudApi, type CloudApiCall, type CloudApiOptions } from './startCloudApi';
export type { ApiFirmware } from './cloudApiActions';
export { CloudApiError } from './cloudApiParams';
