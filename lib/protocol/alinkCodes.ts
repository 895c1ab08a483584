/**
 * The reply codes of Alink, named after the platform's "error codes for devices" page. The platform uses more
 * than these; any number is a valid code, these have names. The page lists no 26003–26005, 26008 or 26009.
 */
export const ALINK_CODES = {
  success: 200,
  requestError: 400,
  tooManyRequests: 429,
  /** The params did not fit what the receiver expects (the device's answer to a bad property set or call). */
  invalidParameter: 460,
  /** An unknown error of the platform. */
  systemError: 500,
  /** The platform could not find the product (check the ProductKey). */
  productNotFound: 5005,
  /** The platform could not read a LoRaWAN product's metadata. */
  loraWanMetadataError: 5244,
  /** A property the thing model does not define. */
  propertyNotFound: 5092,
  /** The platform could not find the device. */
  deviceNotFound: 6100,
  /** The platform could not parse the topic. */
  topicParseError: 6203,
  deviceDisabled: 6204,
  /** Custom or pass-through data, once parsed by the product's script, has no `method`. */
  methodMissing: 6450,
  topicIllegal: 6813,
  /** The product has no data-parsing script (none was submitted). */
  parseScriptNotFound: 26001,
  /** The data-parsing script failed as it ran: a syntax error in it, or it threw. */
  parseScriptError: 26002,
  /** The data-parsing script does not define `protocolToRawData` and `rawDataToProtocol`. */
  parseScriptFunctionMissing: 26006,
  /**
   * The data-parsing script gave what it must not: `protocolToRawData` a byte array, `rawDataToProtocol` a JSON
   * object.
   */
  parseScriptBadResult: 26007,
  /** Data parsing was throttled: too many requests. */
  parseThrottled: 26010,
} as const;

export type AlinkCodeName = keyof typeof ALINK_CODES;

/** Codes a device may define for its own failures. */
export const DEVICE_DEFINED_CODES = { min: 100_000, max: 110_000 } as const;

/** The name of a known code, e.g. `codeName(460)` is `'invalidParameter'`; `undefined` for others. */
export function codeName(code: number): AlinkCodeName | undefined {
  return (Object.keys(ALINK_CODES) as AlinkCodeName[]).find((name) => ALINK_CODES[name] === code);
}

export function isDeviceDefinedCode(code: number): boolean {
  return Number.isInteger(code) && code >= DEVICE_DEFINED_CODES.min && code <= DEVICE_DEFINED_CODES.max;
}

/** How long the platform waits for a device's answer to an RRPC request or a synchronous service call. */
export const RRPC_DEADLINE_MS = 8000;
