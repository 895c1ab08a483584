export type { AlinkDevice } from './AlinkDevice';
export { ReplyError } from './ReplyError';
export {
  alinkNotify,
  alinkReplyTo,
  alinkRequest,
  alinkRequestData,
  DEFAULT_REQUEST_TIMEOUT_MS,
  request,
  type AlinkRequestOptions,
  type AlinkRequestSpec,
  type RequestSpec,
} from './request';
export type { ReplyFailure, RequestFailure, SubscribeFailure, TimeoutFailure } from './RequestFailure';
export { syncTime, type SyncTimeOptions, type TimeSync } from './syncTime';
export { fetchThingModel, type FetchThingModelOptions } from './fetchThingModel';
export { deleteTags, updateTags } from './deviceTags';
export { productBroadcasts, topicBroadcasts, type ProductBroadcast, type TopicBroadcast } from './broadcasts';
export { platformErrors, type PlatformError } from './platformErrors';
export { serve, type BadRequest, type ServedRequest, type ServeReply, type ServeSpec } from './serve';
export type { ServeOptions } from './serveAlink';
export type { Answered, Failed, Late, ServeOutcome, Unanswered } from './ServeOutcome';
export {
  serveRrpc,
  type RrpcRequest,
  type RrpcResponse,
  type ServeRrpcDecodedOptions,
  type ServeRrpcOptions,
} from './serveRrpc';
export {
  createRawData,
  type RawAnswer,
  type RawData,
  type RawPostOptions,
  type RawRequest,
  type RawRequestOptions,
} from './createRawData';
export { dynamicRegistration } from './dynamicRegistration';
export { fileSecretStore, SecretStoreError } from './fileSecretStore';
export {
  RegistrationFailedError,
  RegistrationRefusedError,
  type RegistrationProblem,
  type RegistrationRefusal,
} from './registrationErrors';
export {
  verifiedDownload,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadSpec,
  type DownloadTarget,
} from './verifiedDownload';
export { DigestMismatchError, DownloadFailedError, SizeMismatchError } from './downloadErrors';
export { createOta, type Ota, type OtaOptions, type OtaUpgrade } from './ota/createOta';
export { reportOtaProgress, type ReportOtaProgressOptions } from './ota/reportOtaProgress';
export { correlatedReplies, type CorrelatedReplies, type ReplyObserver } from './correlatedReplies';
export { Deadlines, type Deadline, type Expiring } from './Deadlines';
export { createThing, DEFAULT_LINGER_MS } from './createThing';
export type {
  DesiredProperties,
  EventName,
  EventOutput,
  BatchPost,
  EventTime,
  HistoryPost,
  Measured,
  NotifyOptions,
  PackedEvents,
  PackPost,
  PackPostOptions,
  PostOptions,
  PropertyName,
  PropertyPost,
  PropertySet,
  ServeServiceOptions,
  ServiceInput,
  ServiceName,
  ServiceOutput,
  SubDevicePack,
  Thing,
  ThingFailure,
  ThingOptions,
  Timed,
  TslFailure,
} from './Thing';
export {
  createShadow,
  type DesiredState,
  type Shadow,
  type ShadowFailure,
  type ShadowOptions,
  type ShadowReplyFailure,
  type ShadowSnapshot,
  type ShadowWriteOptions,
} from './createShadow';
export {
  createRemoteConfig,
  type ConfigDownloadFailure,
  type ConfigFailure,
  type RemoteConfig,
  type RemoteConfigOptions,
  type RemoteConfigService,
} from './createRemoteConfig';
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type RefusedSubDevice,
  type LoggedOutFailure,
  type RegisteredSubDevice,
  type SessionFailure,
  type SubDevice,
  type SubDeviceChange,
  type SubDeviceLoginEvent,
  type SubDeviceLoginOptions,
  type SubDeviceProductSecret,
  type SubDeviceProvisioning,
  type SubDeviceSecret,
  type TopologyChange,
} from './createGateway';
export {
  bootstrap,
  serveBootstrapNotify,
  type BootstrapEndpoint,
  type BootstrapFailure,
  type BootstrapOptions,
} from './bootstrap';
export {
  createHttpDevice,
  type HttpDevice,
  type HttpDeviceOptions,
  type HttpMessage,
  type HttpPublishFailure,
  type HttpPublishReceipt,
} from './createHttpDevice';
export { serveLifecycle, type LifecycleCommand, type LifecycleNotice } from './serveLifecycle';
export { createLogReport, type LogLine, type LogReport, type LogReportOptions } from './createLogReport';
export { type DiagnosticItemOptions, type DiagnosticsOptions } from './diagnosticsOptions';
export { watchDiagnostics, type DiagnosedDevice, type DiagnosticMeasurement } from './watchDiagnostics';
export { diagnosticAlerts } from './diagnosticAlerts';
export { reportDiagnostics, type DiagnosticReport, type ReportDiagnosticsOptions } from './reportDiagnostics';
export { postNetworkStatus, type NetworkStatus, type PostNetworkStatusOptions } from './postNetworkStatus';
export {
  createJobs,
  type JobHandler,
  type JobProgress,
  type JobRunOutcome,
  type Jobs,
  type JobsOptions,
  type JobUpdate,
} from './createJobs';
export {
  cancelUpload,
  uploadFile,
  type CancelUploadOptions,
  type UploadContentFailure,
  type UploadFailure,
  type UploadFileOptions,
  type UploadProgress,
} from './uploadFile';
export {
  downloadFile,
  type DownloadBlockFailure,
  type DownloadedBlock,
  type DownloadFileOptions,
  type FileDownloadFailure,
} from './downloadFile';
export type { OtaMqttDownloadOptions } from './ota/mqttFirmwareDownload';
export {
  declareCompression,
  type CompressionDeclared,
  type DeclareCompressionOptions,
} from './declareCompression';
export {
  compressedDevice,
  type CompressedDevice,
  type CompressedDeviceOptions,
  type DecompressionFailure,
} from './compressedDevice';
export type { CompressionTopicsOptions } from './compressionTopics';
