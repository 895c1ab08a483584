import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type * as t from 'io-ts';
import { map, type OperatorFunction } from 'rxjs';
import { redactValue } from '../log/redactPayload';
import { parseJson } from '../json/parseJson';

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
 * Decodes a message's payload as UTF-8 → `JSON.parse` → `codec`. Total: every failure is a `DecodeError`,
 * whatever the payload (nested 10,000 deep, say) and whatever the codec does (a codec that throws, or one
 * that recurses past the stack, fails this message alone).
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
  try {
    return pipe(
      textOf(message.payload),
      E.flatMap(jsonOf),
      E.flatMap((json) => decodeWith(codec, json)),
      E.mapLeft((messages): DecodeError => ({ _tag: 'DecodeError', topic: message.topic, messages })),
      E.map((value) => ({ value, message })),
    );
  } catch (error) {
    // Only something that is not a message gets here (null, or fields whose getters throw).
    const messages = [`message could not be read (${reason(error)})`];
    return E.left({ _tag: 'DecodeError', topic: topicOf(message), messages });
  }
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

const textOf = (payload: Uint8Array | string): E.Either<string[], string> => {
  if (typeof payload === 'string') return E.right(payload);
  if (!(payload instanceof Uint8Array))
    return E.left([`payload is neither text nor bytes: ${typeof payload}`]);
  return E.tryCatch(
    () => utf8.decode(payload),
    () => [`payload is not valid UTF-8 (${payload.byteLength} bytes)`],
  );
};

const topicOf = (message: unknown): string => {
  try {
    const topic = (message as PayloadMessage).topic;
    return typeof topic === 'string' ? topic : '';
  } catch {
    return '';
  }
};

const jsonOf = (text: string): E.Either<string[], unknown> =>
  E.tryCatch(
    (): unknown => parseJson(text),
    (error) => [`payload is not valid JSON (${reason(error)}): ${preview(text)}`],
  );

// V8's reason can quote a bit of the payload, newlines and all: keep each message on one line. What a codec
// throws may be anything, even an object whose `toString` throws.
const reason = (error: unknown): string => {
  try {
    return cut((error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' '));
  } catch {
    return 'an error that cannot be shown';
  }
};

// A codec is the caller's code and may throw; io-ts's own combinators recurse as deep as the value is, and a
// payload of 8 KB can nest 4,000 deep: either way this message fails, not the stream.
const decodeWith = <A>(codec: t.Decoder<unknown, A>, json: unknown): E.Either<string[], A> =>
  pipe(
    E.tryCatch(
      () => codec.decode(json),
      (error) => [`payload could not be decoded as ${nameOf(codec)} (${reason(error)})`],
    ),
    E.flatMap(E.mapLeft(report)),
  );

const nameOf = (codec: t.Decoder<unknown, unknown>): string =>
  typeof codec.name === 'string' ? cut(codec.name) : 'the codec';

// io-ts's PathReporter prints each offending value whole, and that value can be the whole payload (up to
// 256 KB of device data): keep its path and expected type, cut the value to a preview. A deep value has a
// long path: cut that too.
const report = (errors: t.Errors): string[] =>
  errors.map(({ message, context, value }) => {
    if (message !== undefined) return message;
    const path = context.map(({ key }) => key).filter((key) => key !== '');
    const expected = context[context.length - 1]?.type.name ?? 'unknown';
    return `at ${path.length > 0 ? cut(path.join('.')) : '(root)'}: expected ${cut(expected)}, got ${preview(value)}`;
  });

// `JSON.stringify` recurses too, and throws on a value nested past the stack, a cycle or a BigInt (which a
// codec of its own may hand back as the failing value). A secret in the value (a registration's
// `deviceSecret`) is not shown.
const preview = (value: unknown): string =>
  pipe(
    E.tryCatch(
      () => JSON.stringify(redactValue(value)) ?? String(value),
      (error) => `a value that cannot be shown (${reason(error)})`,
    ),
    E.match((unshowable) => unshowable, cut),
  );

const cut = (text: string): string => (text.length <= 100 ? text : `${text.slice(0, 100)}…`);
