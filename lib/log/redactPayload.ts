/**
 * JSON fields whose values are secrets, or stand for one: a dynamic registration's answer carries the
 * `deviceSecret` or a `deviceToken`, a gateway's sub-device login a `sign` (an HMAC of the sub-device's secret,
 * as good as a password, since the platform does not check how old its timestamp is).
 */
const SECRET_FIELD = /secret|passw(or)?d|token$|^sign$/i;
/** A quick look before parsing: most payloads carry none of these names. */
const MIGHT_HAVE_SECRET = /secret|passw|token|"sign"/i;

export const REDACTED = '[redacted]';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * The payload with the value of every JSON field named like a secret replaced by `"[redacted]"`, at any depth:
 * a name with `secret`, `password` or `passwd` in it, one that ends in `token`, and `sign` (`deviceSecret`,
 * `productSecret`, `deviceToken`, ...; any case). The same bytes when there is none, or when the payload is
 * not JSON: a secret in a binary or free-text payload cannot be found.
 */
export function redactPayload(payload: Uint8Array): Uint8Array {
  const text = textOf(payload);
  if (text === undefined || !MIGHT_HAVE_SECRET.test(text)) return payload;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return payload;
  }
  let redacted = false;
  const redact = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(redact);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => {
        if (!SECRET_FIELD.test(key)) return [key, redact(field)];
        redacted = true;
        return [key, REDACTED];
      }),
    );
  };
  const copy = redact(json);
  return redacted ? encoder.encode(JSON.stringify(copy)) : payload;
}

/**
 * A log line's view of a payload, redacted: its text, at most `maxChars` characters of it, or its size when it
 * is not UTF-8 text.
 */
export function previewPayload(payload: Uint8Array, maxChars = 120): string {
  const text = textOf(redactPayload(payload));
  if (text === undefined) return `<${payload.byteLength} bytes, not UTF-8>`;
  return JSON.stringify(text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`);
}

function textOf(payload: Uint8Array): string | undefined {
  try {
    return decoder.decode(payload);
  } catch {
    return undefined;
  }
}
