import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type * as t from 'io-ts';
import { nestedDeeperThan, parseJson } from '../json/parseJson';

/** A value through `codec`; the left says why not, in one line (the first problem). */
export function decodeValue<A>(codec: t.Decoder<unknown, A>, value: unknown): E.Either<string, A> {
  return pipe(
    codec.decode(value),
    E.mapLeft((errors) => {
      const first = errors[0];
      const path = first?.context.map(({ key }) => key).filter((key) => key !== '') ?? [];
      return first?.message ?? `bad value at ${path.join('.') || '(root)'}`;
    }),
  );
}

/**
 * The deepest JSON the emulator takes, from a device or through the server API. A thing model's values nest
 * three levels at most (an array of structs in a property post); a value kept 6,000 levels deep made every
 * later answer that held it (a shadow `get`, `QueryDevicePropertyStatus`) fail, as `JSON.stringify`
 * overflowed the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Why a payload could not be read as JSON at all, before any codec looked at it. */
export const UNREADABLE_JSON = {
  notJson: 'payload is not JSON',
  tooDeep: `payload nests deeper than ${MAX_JSON_DEPTH} levels`,
} as const;

/** A device's payload as UTF-8 JSON through `codec`; the left says why not, in one line. */
export function decodeDevicePayload<A>(codec: t.Decoder<unknown, A>, payload: Buffer): E.Either<string, A> {
  let json: unknown;
  try {
    json = parseJson(payload.toString('utf8'));
  } catch {
    return E.left(UNREADABLE_JSON.notJson);
  }
  if (nestedDeeperThan(json, MAX_JSON_DEPTH)) return E.left(UNREADABLE_JSON.tooDeep);
  return decodeValue(codec, json);
}
