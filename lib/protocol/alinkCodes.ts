/**
 * The reply codes of Alink. The platform uses more than these; any number is a valid code,
 * these have names. Platform codes named only as "platform codes" in the platform's documentation (5005, 5244, 6100, 6203,
 * 26001–26010) are left unnamed rather than guessed.
 */
export const ALINK_CODES = {
  success: 200,
  requestError: 400,
  tooManyRequests: 429,
  /** The params did not fit what the receiver expects (the device's answer to a bad property set or call). */
  invalidParameter: 460,
  /** A property the thing model does not define. */
  propertyNotFound: 5092,
  deviceDisabled: 6204,
  topicIllegal: 6813,
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
