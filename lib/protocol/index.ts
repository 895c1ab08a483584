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
