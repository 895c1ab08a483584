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
export { DigitString, NumberFromStringOrNumber, preview } from './lenient';
export { MAX_MESSAGE_ID, messageIds, nextMessageId } from './messageIds';
export { OtaPush, otaProgress, otaPushPayload, type OtaStep, type OtaPushFields } from './otaPayloads';
export {
  DesiredDeleteParams,
  DesiredGetParams,
  DesiredValue,
  DesiredValues,
  EventPostParams,
  PropertyParams,
  propertyEntry,
  thingMethods,
  type PropertyValue,
} from './thingPayloads';
export { contextPath, describeErrors } from './describeErrors';
export {
  checkEventPost,
  checkPropertyPost,
  checkPropertySet,
  checkServiceParams,
  normalizePropertyPost,
  propertySetType,
  serviceInputType,
} from './tsl/checkThing';
export { checkFields, checkValue, normalizeValue, type TslRule, type TslViolation } from './tsl/checkValue';
export type { DataType, DataTypeName, Field } from './tsl/DataType';
export { decodeTsl, parseTsl, TslError } from './tsl/parseTsl';
export {
  event,
  fieldsOf,
  property,
  service,
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
