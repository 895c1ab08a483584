// The Alink wire format, written once: the device (`alink/`) and the emulator (`emulator/`) both use it.
export {
  ALINK_CODES,
  codeName,
  DEVICE_DEFINED_CODES,
  isDeviceDefinedCode,
  RRPC_DEADLINE_MS,
  type AlinkCodeName,
} from './alinkCodes';
export {
  AlinkReply,
  alinkReply,
  AlinkRequest,
  alinkRequest,
  replyTopicOf,
  type AlinkReplyFields,
  type AlinkReplyPayload,
  type AlinkRequestFields,
  type AlinkRequestPayload,
} from './alinkMessage';
export { DIGEST_HEX_LENGTH, DigestMethod, DigitString, NumberFromStringOrNumber, preview } from './lenient';
export { MAX_MESSAGE_ID, messageIds, nextMessageId } from './messageIds';
export {
  OTA_FAILURE_STEPS,
  OTA_FIRMWARE_GET_METHOD,
  OtaFirmware,
  otaFirmwareData,
  OtaInform,
  otaInform,
  OtaProgressReport,
  otaProgress,
  OtaPullData,
  otaPullParams,
  OtaPush,
  otaPushPayload,
  type OtaFirmwareFields,
  type OtaPushFields,
  type OtaStep,
} from './otaPayloads';
export {
  NtpRequest,
  ntpRequestPayload,
  NtpResponse,
  ntpResponsePayload,
  ntpSample,
  type NtpSample,
} from './ntpPayloads';
export {
  DEVICE_INFO_METHODS,
  DeviceInfoDeleteParams,
  deviceInfoDeleteParams,
  DeviceInfoUpdateParams,
  deviceInfoUpdateParams,
  DeviceTag,
} from './deviceInfoPayloads';
export {
  PLATFORM_ERROR_CODES,
  PlatformErrorPayload,
  platformErrorPayload,
  type PlatformErrorFields,
} from './platformErrorPayloads';
export {
  SHADOW_CLEAR_VERSION,
  SHADOW_ERROR_CODES,
  SHADOW_NULL,
  ShadowControl,
  shadowControlPayload,
  shadowDeletePayload,
  shadowErrorPayload,
  shadowGetPayload,
  ShadowReply,
  shadowReplyPayload,
  ShadowRequest,
  ShadowState,
  shadowUpdatePayload,
  type ShadowAttributes,
  type ShadowDocument,
  type ShadowSections,
} from './shadowPayloads';
export { CONFIG_CODES, CONFIG_METHODS, ConfigFile, configFileData, configGetParams } from './configPayloads';
export {
  HttpsRegistrationForm,
  HttpsRegistrationReply,
  httpsRegistrationReplyPayload,
  REGISTER_TOPIC,
  RegisteredSecret,
  registeredSecretPayload,
  RegisteredToken,
  registeredTokenPayload,
  REGISTRATION_CODES,
  REGNWL_TOPIC,
} from './registrationPayloads';
export {
  DesiredDeleteParams,
  DesiredGetParams,
  DesiredValue,
  DesiredValues,
  EventPostParams,
  HistoryPart,
  HistoryPostParams,
  PackEvents,
  PackPart,
  PackPostParams,
  PartIdentity,
  PropertyParams,
  propertyEntry,
  thingMethods,
  type PropertyValue,
} from './thingPayloads';
export { contextPath, describeErrors } from './describeErrors';
export {
  checkEventPost,
  checkHistoryPost,
  checkPackPost,
  checkPropertyPost,
  checkPropertySet,
  checkServiceParams,
  normalizePropertyPost,
  propertySetType,
  serviceInputType,
  type ModelOf,
} from './tsl/checkThing';
export { checkFields, checkValue, normalizeValue, type TslRule, type TslViolation } from './tsl/checkValue';
export type { DataType, DataTypeName, Field } from './tsl/DataType';
export { decodeTsl, parseTsl, TslError } from './tsl/parseTsl';
export {
  encodeDataType,
  encodeFields,
  encodeTsl,
  TSL_SCHEMA,
  type DataTypeJson,
  type FieldJson,
  type TslJson,
} from './tsl/encodeTsl';
export { TslCodec } from './tsl/TslCodec';
export {
  event,
  fieldsOf,
  property,
  service,
  specOf,
  thingModel,
  type AccessMode,
  type AnyThing,
  type CallType,
  type EventKind,
  type EventSpec,
  type PropertySpec,
  type ServiceSpec,
  type ThingDefinition,
  type ThingModel,
  type ThingTypes,
  type TypesOf,
  type WritableOf,
  type EventValues,
  type ServiceValues,
} from './tsl/ThingModel';
export { MAX_ARRAY_SIZE, MAX_TEXT_LENGTH, TslDocument } from './tsl/TslDocument';
export { checkedType, TslType, type TslTypeOf } from './tsl/TslType';
export {
  tslTypes,
  type AnyTslType,
  type FieldValues,
  type NumberSpecs,
  type TslFields,
} from './tsl/tslTypes';
export {
  CombineBatchLoginParams,
  combineBatchLoginParams,
  CombineLoginParams,
  combineLoginParams,
  combinePayload,
  GATEWAY_LIMITS,
  GATEWAY_METHODS,
  identitiesOf,
  identityOf,
  ProductRegisterData,
  ProductRegisterParams,
  ProxiedEntry,
  proxiedEntry,
  SignMethodName,
  SubDeviceIdentity,
  SubDeviceList,
  SubRegisterData,
  subDeviceSign,
  TOPO_CHANGE_STATUS,
  topoAddEntry,
  TopoAddEntry,
  TopoAddParams,
  TopoChangeParams,
  topoChangeStatusName,
  type SubDeviceProductSecret,
  type SubDeviceSecret,
  type SubDeviceSigning,
  type SubDeviceSignFields,
  type TopoChangeStatus,
} from './gatewayPayloads';
export {
  BOOTSTRAP_NOTIFY_METHOD,
  BOOTSTRAP_PATH,
  BOOTSTRAP_URL,
  bootstrapForm,
  BootstrapForm,
  BootstrapMqtt,
  BootstrapNotifyParams,
  BootstrapReply,
  bootstrapReplyPayload,
  type BootstrapFields,
} from './bootstrapPayloads';
