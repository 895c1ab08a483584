import * as t from 'io-ts';

/**
 * A string of digits, or a non-negative safe integer: the platform sends ids both ways (PROTOCOL.md §4).
 * Decodes to the string, so that ids compare as strings whichever way they came.
 */
export const DigitString = new t.Type<string, string, unknown>(
  'DigitString',
  (u): u is string => typeof u === 'string' && /^\d+$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^\d+$/.test(u)
      ? t.success(u)
      : typeof u === 'number' && Number.isSafeInteger(u) && u >= 0
        ? t.success(String(u))
        : t.failure(u, c, `must be a string of digits or a non-negative integer, got ${preview(u)}`),
  t.identity,
);

/** A finite number, or a string that is one (`"200"`): codes and times come both ways. Decodes to the number. */
export const NumberFromStringOrNumber = new t.Type<number, number, unknown>(
  'NumberFromStringOrNumber',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => {
    const n = typeof u === 'string' && u.trim() !== '' ? Number(u) : u;
    return typeof n === 'number' && Number.isFinite(n)
      ? t.success(n)
      : t.failure(u, c, `must be a number or a string of one, got ${preview(u)}`);
  },
  t.identity,
);

/** At most 60 characters of a value, for a failure message: a payload can be large. */
export function preview(u: unknown): string {
  let text: string;
  try {
    text = typeof u === 'string' ? JSON.stringify(u) : (JSON.stringify(u) ?? String(u));
  } catch {
    // Too deep to stringify, or circular: say what it is instead.
    text = Array.isArray(u) ? 'an array' : typeof u;
  }
  return text.length <= 60 ? text : `${text.slice(0, 60)}…`;
}
