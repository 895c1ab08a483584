import { parseJson } from '../json/parseJson';

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
    json = parseJson(text);
  } catch {
    return payload;
  }
  try {
    const copy = redactValue(json);
    return copy === json ? payload : encoder.encode(JSON.stringify(copy));
  } catch {
    // Too deep to walk: nothing it could not read may show, so the whole payload stands redacted.
    return encoder.encode(JSON.stringify(REDACTED));
  }
}

/** Deeper than this, a value is not walked (it could overflow the stack): `redactValue` throws a `RangeError`. */
const MAX_DEPTH = 64;

/**
 * A JSON value with every field named like a secret (as `redactPayload` names them) set to `"[redacted]"`, at
 * any depth: the same value when there is none. For what a failure message shows of a value. Throws a
 * `RangeError` for a value nested deeper than 64 levels, as `JSON.stringify` would for a deeper one.
 */
export function redactValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  // A cycle is left as it is, for `JSON.stringify` to refuse as it would have.
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  if (depth >= MAX_DEPTH) throw new RangeError(`nested deeper than ${MAX_DEPTH} levels`);
  seen.add(value);
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => redactValue(item, seen, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  let redacted = false;
  const entries = Object.entries(value).map(([key, field]) => {
    const next = SECRET_FIELD.test(key) ? REDACTED : redactValue(field, seen, depth + 1);
    if (next !== field) redacted = true;
    return [key, next] as const;
  });
  return redacted ? Object.fromEntries(entries) : value;
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
