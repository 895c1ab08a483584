import type * as t from 'io-ts';
import { kindOf, rule, show } from './rule';

// What may name a product, a device and a client. The must-haves: `/ + #` would let a device build topics
// outside its namespace, `&` and `|` would break the username and the clientId.

interface IdentifierRule {
  readonly min: number;
  readonly max: number;
  readonly allows: (char: string) => boolean;
  /** Completes "must contain only …". */
  readonly allowed: string;
}

/** A string of `min` to `max` characters (code points) that all pass `allows`. */
function identifier(name: string, { min, max, allows, allowed }: IdentifierRule): t.Type<string> {
  const problemOf = (u: unknown): string | undefined => {
    if (typeof u !== 'string') return `must be a string, got ${show(u)}`;
    const chars = [...u];
    const bad = chars.find((char) => !allows(char));
    if (bad !== undefined) {
      return `must contain only ${allowed}, got ${show(u)} (contains ${JSON.stringify(bad)})`;
    }
    if (chars.length < min || chars.length > max) {
      return `must be ${min} to ${max} characters long, got ${show(u)} (${chars.length})`;
    }
    return undefined;
  };
  return rule(
    name,
    (u): u is string => problemOf(u) === undefined,
    (u) => problemOf(u) ?? '',
  );
}

const isControl = (char: string): boolean => (char.codePointAt(0) ?? 0) < 0x20 || char === '\u007f';

/** Whether a character may appear in the clientId's parameters: `|`, `,` and `=` delimit them. */
export const isParamChar = (char: string): boolean => !'|,='.includes(char) && !isControl(char);

/**
 * A productKey as the platform issues it (e.g. `a1TestPK001`): letters, digits and `_ - .`, 1 to 64. The
 * platform's exact rule is unverified, so this is lenient; but no `@` or `:`, as the key is also a host label
 * of the legacy endpoint.
 */
export const ProductKey = identifier('ProductKey', {
  min: 1,
  max: 64,
  allows: (char) => /^[A-Za-z0-9_.-]$/.test(char),
  allowed: 'letters, digits and _ - .',
});

/** A deviceName by the console's rule: 4 to 32 letters, digits and `_ - . @ :`. */
export const DeviceName = identifier('DeviceName', {
  min: 4,
  max: 32,
  allows: (char) => /^[A-Za-z0-9_.@:-]$/.test(char),
  allowed: 'letters, digits and _ - . @ :',
});

/** The device's own clientId (the part before `|`): 1 to 64 characters, none of `| , =` or controls. */
export const ClientId = identifier('ClientId', {
  min: 1,
  max: 64,
  allows: isParamChar,
  allowed: 'characters other than | , = and control characters',
});

/** A deviceSecret or productSecret: any non-empty string. A problem names its kind, never its value. */
export const Secret = rule(
  'Secret',
  (u): u is string => typeof u === 'string' && u !== '',
  (u) => `must be a non-empty string, got ${kindOf(u)}`,
);
