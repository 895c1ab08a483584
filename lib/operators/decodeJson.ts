import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type * as t from 'io-ts';
import { map, type OperatorFunction } from 'rxjs';

/** The least a message needs to be decoded: an inbound message, a classified one, or a test fixture. */
export interface PayloadMessage {
  readonly topic: string;
  /** UTF-8 bytes as MQTT delivers them, or text already decoded. */
  readonly payload: Uint8Array | string;
}

/** Why a payload did not decode: a value on the stream, never an error that ends it. */
export interface DecodeError {
  readonly _tag: 'DecodeError';
  readonly topic: string;
  /** One line per problem, each with a path and a preview of at most 100 characters of the offending data. */
  readonly messages: readonly string[];
}

/** A decoded payload next to the message it came from, so its topic (and classified params) stay at hand. */
export interface Decoded<A, M> {
  readonly value: A;
  readonly message: M;
}

/**
 * Decodes a message's payload as UTF-8 → `JSON.parse` → `codec`. Total: every failure is a `DecodeError`.
 *
 * ```ts
 * const Reply = t.type({ id: t.string, code: t.number });
 * pipe(decodePayload(Reply, message), E.map(({ value }) => value.code));
 * ```
 */
export function decodePayload<A, M extends PayloadMessage>(
  codec: t.Decoder<unknown, A>,
  message: M,
): E.Either<DecodeError, Decoded<A, M>> {
  return pipe(
    textOf(message.payload),
    E.flatMap(parseJson),
    E.flatMap((json) => pipe(codec.decode(json), E.mapLeft(report))),
    E.mapLeft((messages): DecodeError => ({ _tag: 'DecodeError', topic: message.topic, messages })),
    E.map((value) => ({ value, message })),
  );
}

/**
 * Maps each message to {@link decodePayload}'s result. A malformed payload is a left and the stream goes on;
 * the right carries `{ value, message }` so the topic and any classified params travel with the value.
 *
 * ```ts
 * device.observe('/sys/+/+/thing/service/property/set').pipe(decodeJson(PropertySet), filter(E.isRight));
 * ```
 */
export function decodeJson<A, M extends PayloadMessage>(
  codec: t.Decoder<unknown, A>,
): OperatorFunction<M, E.Either<DecodeError, Decoded<A, M>>> {
  return map((message) => decodePayload(codec, message));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const textOf = (payload: Uint8Array | string): E.Either<string[], string> =>
  typeof payload === 'string'
    ? E.right(payload)
    : E.tryCatch(
        () => utf8.decode(payload),
        () => [`payload is not valid UTF-8 (${payload.byteLength} bytes)`],
      );

const parseJson = (text: string): E.Either<string[], unknown> =>
  E.tryCatch(
    (): unknown => JSON.parse(text),
    (error) => [`payload is not valid JSON (${reason(error)}): ${preview(text)}`],
  );

// V8's reason can quote a bit of the payload, newlines and all: keep each message on one line.
const reason = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');

// io-ts's PathReporter prints each offending value whole, and that value can be the whole payload (up to
// 256 KB of device data): keep its path and expected type, cut the value to a preview.
const report = (errors: t.Errors): string[] =>
  errors.map(({ message, context, value }) => {
    if (message !== undefined) return message;
    const path = context.map(({ key }) => key).filter((key) => key !== '');
    const expected = context[context.length - 1]?.type.name ?? 'unknown';
    return `at ${path.length > 0 ? path.join('.') : '(root)'}: expected ${expected}, got ${preview(value)}`;
  });

const preview = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 100 ? text : `${text.slice(0, 100)}…`;
};
