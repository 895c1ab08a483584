import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

/** Attributes of a shadow section: any JSON values by name. */
export type ShadowAttributes = Readonly<Record<string, unknown>>;

const Attributes = t.record(t.string, t.unknown);

/** The two sections of a device shadow; either may be missing. */
export const ShadowState = t.partial({ desired: Attributes, reported: Attributes }, 'ShadowState');
export type ShadowState = t.TypeOf<typeof ShadowState>;

/** The two sections of a shadow, as the library hands them out. */
export interface ShadowSections {
  readonly desired?: ShadowAttributes | undefined;
  readonly reported?: ShadowAttributes | undefined;
}

/** The codes of a shadow error reply (`payload.content.errorcode`). */
export const SHADOW_ERROR_CODES = {
  badJson: 400,
  noMethod: 401,
  noState: 402,
  versionNotNumber: 403,
  noReported: 404,
  emptyReported: 405,
  invalidMethod: 406,
  emptyShadow: 407,
  tooManyAttributes: 408,
  /** The version of an update is not above the shadow's. */
  versionConflict: 409,
  serverError: 500,
} as const;

/** The value that clears an attribute, or a whole section: the string `"null"`. */
export const SHADOW_NULL = 'null';

/** The version that clears the whole shadow and sets its version to 0. */
export const SHADOW_CLEAR_VERSION = -1;

const ReplyPayload = t.intersection([
  t.type({ status: t.string }),
  t.partial({
    state: ShadowState,
    metadata: t.unknown,
    version: NumberFromStringOrNumber,
    content: t.partial({ errorcode: NumberFromStringOrNumber, errormessage: t.string }),
  }),
]);

/**
 * The cloud's answer on `/shadow/get/pk/dn` to a get, an update or a delete:
 * `{"method":"reply","payload":{"status":"success"|"error",…},"version","timestamp"}`. A get's reply carries
 * `payload.state`; an error carries `payload.content.errorcode`. The version may sit at the top or in the payload.
 */
export const ShadowReply = t.intersection(
  [
    t.type({ method: t.literal('reply'), payload: ReplyPayload }),
    t.partial({ version: NumberFromStringOrNumber, timestamp: NumberFromStringOrNumber }),
  ],
  'ShadowReply',
);
export type ShadowReply = t.TypeOf<typeof ShadowReply>;

/** A change of the desired state pushed by the cloud on `/shadow/get/pk/dn`. */
export const ShadowControl = t.intersection(
  [
    t.type({
      method: t.literal('control'),
      payload: t.intersection([t.type({ state: ShadowState }), t.partial({ metadata: t.unknown })]),
      version: NumberFromStringOrNumber,
    }),
    t.partial({ timestamp: NumberFromStringOrNumber }),
  ],
  'ShadowControl',
);
export type ShadowControl = t.TypeOf<typeof ShadowControl>;

/** What a device sends on `/shadow/update/pk/dn`, as the cloud reads it; the cloud checks the rest. */
export const ShadowRequest = t.intersection(
  [t.type({ method: t.string }), t.partial({ state: t.unknown, version: t.unknown })],
  'ShadowRequest',
);
export type ShadowRequest = t.TypeOf<typeof ShadowRequest>;

/** Report attributes (or clear desired ones with `"null"` values): `{method: "update", state, version}`. */
export function shadowUpdatePayload(
  state: { readonly reported?: ShadowAttributes | 'null'; readonly desired?: ShadowAttributes | 'null' },
  version: number,
) {
  return { method: 'update', state, version };
}

/** Ask for the whole shadow: `{method: "get"}`. */
export function shadowGetPayload() {
  return { method: 'get' };
}

/** Delete reported attributes by name, or all of them: `{method: "delete", state: {reported}, version}`. */
export function shadowDeletePayload(keys: readonly string[] | 'all', version: number) {
  const reported =
    keys === 'all' ? SHADOW_NULL : Object.fromEntries(keys.map((key) => [key, SHADOW_NULL] as const));
  return { method: 'delete', state: { reported }, version };
}

/** A document the cloud keeps: both sections, per-attribute timestamps, and the version. */
export interface ShadowDocument {
  readonly state: ShadowSections;
  readonly metadata: {
    readonly desired?: Readonly<Record<string, { readonly timestamp: number }>> | undefined;
    readonly reported?: Readonly<Record<string, { readonly timestamp: number }>> | undefined;
  };
  readonly version: number;
  /** Seconds since the epoch of the last change. */
  readonly timestamp: number;
}

/** The cloud's success reply; `document` for a get, else the new version alone. */
export function shadowReplyPayload(timestamp: number, version: number, document?: ShadowDocument) {
  return document === undefined
    ? { method: 'reply', payload: { status: 'success', version }, version, timestamp }
    : {
        method: 'reply',
        payload: { status: 'success', state: document.state, metadata: document.metadata },
        version,
        timestamp,
      };
}

/** The cloud's error reply: `payload.content` with the code and its message. */
export function shadowErrorPayload(timestamp: number, errorcode: number, errormessage: string) {
  return {
    method: 'reply',
    payload: { status: 'error', content: { errorcode, errormessage } },
    timestamp,
  };
}

/** The cloud's push of a new desired state, with the whole document as it now is. */
export function shadowControlPayload(document: ShadowDocument) {
  return {
    method: 'control',
    payload: { status: 'success', state: document.state, metadata: document.metadata },
    version: document.version,
    timestamp: document.timestamp,
  };
}
