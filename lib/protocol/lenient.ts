import * as t from 'io-ts';
import { redactValue } from '../log/redactPayload';

/**
 * A string of digits, or a non-negative safe integer: the platform sends ids both ways.
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

/** At most 60 characters of a value, for a failure message: a payload can be large. Secrets are not shown. */
export function preview(u: unknown): string {
  let text: string;
  try {
    text = typeof u === 'string' ? JSON.stringify(u) : (JSON.stringify(redactValue(u)) ?? String(u));
  } catch {
    // Too deep to stringify, or circular: say what it is instead.
    text = Array.isArray(u) ? 'an array' : typeof u;
  }
  return text.length <= 60 ? text : `${text.slice(0, 60)}…`;
}

/** How a file's digest is computed: the platform writes `MD5`, `Md5`, `SHA256`, `Sha256`, ... */
export type DigestMethod = 'MD5' | 'SHA256';

/** Hex digits of a digest under each method. */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestMethod, number>> = { MD5: 32, SHA256: 64 };

/** A digest method in any case (`md5`, `Md5`, `SHA256`, `Sha256`, also `SHA-256`), decoded to `MD5` or `SHA256`. */
export const DigestMethod = new t.Type<DigestMethod, string, unknown>(
  'DigestMethod',
  (u): u is DigestMethod => u === 'MD5' || u === 'SHA256',
  (u, c) => {
    const name = typeof u === 'string' ? u.replace('-', '').toUpperCase() : undefined;
    return name === 'MD5' || name === 'SHA256'
      ? t.success(name)
      : t.failure(u, c, `signMethod must be MD5 or SHA256 (any case), got ${preview(u)}`);
  },
  t.identity,
);
