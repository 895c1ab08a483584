import * as t from 'io-ts';
import { ALINK_CODES } from './alinkCodes';
import { DigitString, NumberFromStringOrNumber } from './lenient';

/** `sys.ack`: 1 asks for a reply, 0 does not. Lenient: a string or a boolean is taken too. */
const AckFlag = new t.Type<0 | 1, 0 | 1, unknown>(
  'AckFlag',
  (u): u is 0 | 1 => u === 0 || u === 1,
  (u, c) =>
    u === 1 || u === '1' || u === true
      ? t.success(1)
      : u === 0 || u === '0' || u === false
        ? t.success(0)
        : t.failure(u, c, 'must be 0 or 1'),
  t.identity,
);

/**
 * An Alink request, either way: `{"id","version","sys":{"ack"},"params","method"}`.
 * Lenient: the id may be a number, `version`, `sys` and `method` may be missing; `params` is left to the
 * service's own codec.
 */
export const AlinkRequest = t.intersection(
  [
    t.type({ id: DigitString, params: t.unknown }),
    t.partial({ version: t.string, method: t.string, sys: t.partial({ ack: AckFlag }) }),
  ],
  'AlinkRequest',
);
export type AlinkRequest = t.TypeOf<typeof AlinkRequest>;

/**
 * An Alink reply, either way: `{"id","code","data","message"}` (the cloud adds `method` and `version`).
 * Lenient: the id and the code may be strings or numbers; only they are required.
 */
export const AlinkReply = t.intersection(
  [
    t.type({ id: DigitString, code: NumberFromStringOrNumber }),
    t.partial({ data: t.unknown, message: t.string, method: t.string, version: t.string }),
  ],
  'AlinkReply',
);
export type AlinkReply = t.TypeOf<typeof AlinkReply>;

/** What an Alink request is sent as. */
export interface AlinkRequestPayload<P> {
  readonly id: string;
  readonly version: string;
  readonly sys: { readonly ack: 0 | 1 };
  readonly params: P;
  readonly method: string;
}

export interface AlinkRequestFields<P> {
  readonly id: string;
  readonly method: string;
  readonly params: P;
  /** Whether the receiver is to reply. Default: `true`. */
  readonly ack?: boolean | undefined;
  /** Default: `'1.0'`. */
  readonly version?: string | undefined;
}

/** The payload of an Alink request. */
export function alinkRequest<P>({
  id,
  method,
  params,
  ack = true,
  version = '1.0',
}: AlinkRequestFields<P>): AlinkRequestPayload<P> {
  return { id, version, sys: { ack: ack ? 1 : 0 }, params, method };
}

/** What an Alink reply is sent as. `message`, `method` and `version` are there when they were given. */
export interface AlinkReplyPayload<D> {
  readonly id: string;
  readonly code: number;
  readonly data: D;
  readonly message?: string | undefined;
  readonly method?: string | undefined;
  readonly version?: string | undefined;
}

export interface AlinkReplyFields<D> {
  readonly id: string;
  /** Default: 200. */
  readonly code?: number | undefined;
  /** Default: `{}`. */
  readonly data?: D | undefined;
  readonly message?: string | undefined;
  readonly method?: string | undefined;
  readonly version?: string | undefined;
}

/**
 * The payload of an Alink reply. A device replies `{id, code, data}`; the cloud adds `message`, `method`
 * and `version`.
 */
export function alinkReply<D = Record<string, never>>(fields: AlinkReplyFields<D>): AlinkReplyPayload<D> {
  const { id, code = ALINK_CODES.success, message, method, version } = fields;
  const data = (fields.data ?? {}) as D;
  return {
    id,
    code,
    data,
    ...(message === undefined ? {} : { message }),
    ...(method === undefined ? {} : { method }),
    ...(version === undefined ? {} : { version }),
  };
}

/** The topic a request on `requestTopic` is answered on: `${requestTopic}_reply`. */
export const replyTopicOf = (requestTopic: string): string => `${requestTopic}_reply`;
