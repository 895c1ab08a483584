import * as t from 'io-ts';

// Codecs whose failures carry the problem as a sentence ("must be …, got …"), so that a reporter needs no
// values of its own: the one place a value is shown is the `problem` a codec states, and a secret's codec
// states only its kind.

/** A plain object (not null, not an array). */
export const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** What a value is, never what it holds: `a number`, `an empty string`, `null`. */
export function kindOf(u: unknown): string {
  if (u === '') return 'an empty string';
  if (u === null || u === undefined) return String(u);
  if (Array.isArray(u)) return 'an array';
  return /^[aeiou]/.test(typeof u) ? `an ${typeof u}` : `a ${typeof u}`;
}

/** A value as a problem shows it: strings quoted and cut at 80 characters, objects by their kind. */
export function show(u: unknown): string {
  if (typeof u === 'string') return u.length > 80 ? `${JSON.stringify(u.slice(0, 80))}…` : JSON.stringify(u);
  return typeof u === 'number' || typeof u === 'boolean' ? String(u) : kindOf(u);
}

/** The codec of `is`: a missing value fails with "required", any other bad one with `problem(u)`. */
export function rule<A>(
  name: string,
  is: (u: unknown) => u is A,
  problem: (u: unknown) => string,
): t.Type<A> {
  return new t.Type<A>(
    name,
    is,
    (u, c) => (is(u) ? t.success(u) : t.failure(u, c, u === undefined ? 'required' : problem(u))),
    t.identity,
  );
}

/** A number that passes `ok`; `expected` completes "must be …". */
export const number = (name: string, expected: string, ok: (n: number) => boolean): t.Type<number> =>
  rule(
    name,
    (u): u is number => typeof u === 'number' && ok(u),
    (u) => `must be ${expected}, got ${show(u)}`,
  );

/** An integer from `min` to `max`; `unit` follows the range in the problem (`' seconds'`). */
export const integer = (min: number, max: number, unit = ''): t.Type<number> =>
  number(
    'Integer',
    `an integer from ${min} to ${max}${unit}`,
    (n) => Number.isInteger(n) && n >= min && n <= max,
  );

/** One of a few strings. */
export function oneOf<const L extends string>(name: string, values: readonly L[]): t.Type<L> {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  return rule(
    name,
    (u): u is L => values.includes(u as L),
    (u) => `must be one of ${list}, got ${show(u)}`,
  );
}

/** Any function, typed as `F` (io-ts cannot check a signature). */
export const func = <F>(name: string): t.Type<F> =>
  rule(
    name,
    (u): u is F => typeof u === 'function',
    (u) => `must be a function, got ${show(u)}`,
  );

/**
 * `t.partial(props)` that explains a non-object (`must be ${expected}`) rather than failing silently. Its type
 * says `| undefined` on every field, as `t.partial` accepts it, for users with exactOptionalPropertyTypes.
 */
export function partialObject<P extends t.Props>(
  name: string,
  props: P,
  expected: string,
): t.Type<{ [K in keyof P]?: t.TypeOf<P[K]> | undefined }> {
  const fields = t.partial(props);
  return new t.Type<{ [K in keyof P]?: t.TypeOf<P[K]> | undefined }>(
    name,
    fields.is,
    (u, c) => (isObject(u) ? fields.validate(u, c) : t.failure(u, c, `must be ${expected}, got ${show(u)}`)),
    t.identity,
  );
}
