import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type * as t from 'io-ts';
import { parseJson } from '../json/parseJson';

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

/** A device's payload as UTF-8 JSON through `codec`; the left says why not, in one line. */
export function decodeDevicePayload<A>(codec: t.Decoder<unknown, A>, payload: Buffer): E.Either<string, A> {
  let json: unknown;
  try {
    json = parseJson(payload.toString('utf8'));
  } catch {
    return E.left('payload is not JSON');
  }
  return decodeValue(codec, json);
}
