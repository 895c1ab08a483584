import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { defer, filter, map, merge, mergeMap, switchMap, type Observable } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodePayload, type DecodeError } from '../operators/decodeJson';
import {
  SHADOW_CLEAR_VERSION,
  SHADOW_NULL,
  ShadowControl,
  shadowDeletePayload,
  shadowGetPayload,
  ShadowReply,
  shadowUpdatePayload,
  type ShadowAttributes,
  type ShadowSections,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { oneAtATime } from './oneAtATime';
import { DEFAULT_REQUEST_TIMEOUT_MS, request } from './request';
import type { RequestFailure } from './RequestFailure';

export interface ShadowOptions {
  /** How long a request waits for the cloud's reply, from its turn (offline time included). Default: 10000. */
  readonly timeoutMs?: number | undefined;
}

/** The cloud refused a shadow request: `SHADOW_ERROR_CODES` names the codes (409: the version is stale). */
export interface ShadowReplyFailure {
  readonly _tag: 'ShadowReplyFailure';
  readonly topic: string;
  readonly code: number;
  readonly message?: string | undefined;
}

/** Why a shadow request failed, as a value. */
export type ShadowFailure = RequestFailure | ShadowReplyFailure;

/** The shadow as the cloud keeps it. */
export interface ShadowSnapshot {
  readonly state: ShadowSections;
  /** Per-attribute timestamps, as the cloud sent them. */
  readonly metadata?: unknown;
  readonly version: number;
  /** Seconds since the epoch. */
  readonly timestamp?: number | undefined;
}

/** A desired state to apply: pushed by the cloud, or found in the shadow fetched after a (re)connect. */
export interface DesiredState {
  readonly desired: ShadowAttributes;
  /** The reported state beside it, when the cloud sent it. */
  readonly reported?: ShadowAttributes | undefined;
  readonly version: number;
  readonly source: 'control' | 'get';
}

export interface ShadowWriteOptions {
  /** The version to write with; it must be above the shadow's. Default: the last version seen, plus one. */
  readonly version?: number | undefined;
}

/** A device's shadow: the reported state it keeps in the cloud, and the desired state the cloud asks for. */
export interface Shadow {
  /** The whole shadow. */
  get(): Observable<E.Either<ShadowFailure, ShadowSnapshot>>;
  /**
   * Reports attributes (a `"null"` value deletes one); emits the shadow's new version. A version that is
   * not above the shadow's is a `ShadowReplyFailure` with code 409.
   */
  update(
    reported: ShadowAttributes,
    options?: ShadowWriteOptions,
  ): Observable<E.Either<ShadowFailure, number>>;
  /** Clears desired attributes once applied: these keys, or all of them (the default). */
  clearDesired(
    keys?: readonly string[] | 'all',
    options?: ShadowWriteOptions,
  ): Observable<E.Either<ShadowFailure, number>>;
  /** Deletes reported attributes by name, or all of them. */
  delete(
    keys: readonly string[] | 'all',
    options?: ShadowWriteOptions,
  ): Observable<E.Either<ShadowFailure, number>>;
  /** Clears the whole shadow (version -1); the version starts again from 0. */
  clear(): Observable<E.Either<ShadowFailure, number>>;
  /**
   * The desired states to apply: each one the cloud pushes, and the one in the shadow fetched at every
   * (re)connect, since a push sent while offline is lost. A shadow without a desired state emits nothing; a
   * failed fetch or a push that does not decode is a failure on the left, and the stream goes on.
   */
  readonly desired$: Observable<E.Either<ShadowFailure, DesiredState>>;
  /** The last version seen in a reply or a push; `undefined` before any. */
  readonly version: number | undefined;
}

/** Just the method, to tell a reply from a push before decoding the rest. */
const Method = t.type({ method: t.string });

const methodOf = (message: InboundMessage): string | undefined => {
  const decoded = decodePayload(Method, message);
  return E.isRight(decoded) ? decoded.right.value.method : undefined;
};

/**
 * The device shadow (`/shadow/update/pk/dn` out, `/shadow/get/pk/dn` in). The cloud's replies carry no id,
 * so this shadow's requests go one at a time, each taking the next reply; a write also checks the version
 * it is answered with. Versions are kept: a write goes with the last version seen plus one unless told.
 *
 * ```ts
 * const shadow = createShadow(device);
 * shadow.desired$.subscribe((d) => {
 *   if (E.isLeft(d)) return;
 *   apply(d.right.desired);
 *   shadow.update(d.right.desired).subscribe(() => shadow.clearDesired().subscribe());
 * });
 * ```
 */
export function createShadow(device: AlinkDevice, options: ShadowOptions = {}): Shadow {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS } = options;
  const { shadowUpdate: topic, shadowGet: replyFilter } = device.topics;
  const queued = oneAtATime();
  let version: number | undefined;
  const seen = (v: number | undefined) => {
    if (v !== undefined) version = v;
  };

  /**
   * One request, made when its turn comes (so that a write takes the version its predecessors left); the
   * first reply in its turn is its answer, and a write's must carry the version it was sent with.
   */
  function ask<A>(
    make: () => { readonly payload: object; readonly wanted?: number },
    answer: (reply: ShadowReply) => A,
  ): Observable<E.Either<ShadowFailure, A>> {
    return queued(
      defer(() => {
        const { payload, wanted } = make();
        return request<A, ShadowReplyFailure>(device, {
          message: { topic, payload: JSON.stringify(payload), qos: 1 },
          replyFilter,
          timeoutMs,
          reply: (message): E.Either<ShadowFailure, A> | undefined => {
            if (methodOf(message) !== 'reply') return undefined;
            const decoded = decodePayload(ShadowReply, message);
            if (E.isLeft(decoded)) return decoded;
            const reply = decoded.right.value;
            const { status, content } = reply.payload;
            if (status !== 'success') {
              const code = content?.errorcode ?? 500;
              const text = content?.errormessage;
              return E.left({
                _tag: 'ShadowReplyFailure',
                topic,
                code,
                ...(text === undefined ? {} : { message: text }),
              });
            }
            const replied = reply.payload.version ?? reply.version;
            // Another request's late reply: not ours.
            if (wanted !== undefined && replied !== undefined && replied !== wanted) return undefined;
            seen(replied ?? wanted);
            return E.right(answer(reply));
          },
        });
      }),
    );
  }

  const write = (payload: (v: number) => object, options: ShadowWriteOptions = {}) => {
    let sent = 0;
    return ask(
      () => {
        sent = options.version ?? (version ?? 0) + 1;
        return { payload: payload(sent), wanted: sent };
      },
      (reply) => reply.payload.version ?? reply.version ?? sent,
    );
  };

  const get = () =>
    ask(
      () => ({ payload: shadowGetPayload() }),
      (reply): ShadowSnapshot => {
        const { state = {}, metadata } = reply.payload;
        return {
          state,
          ...(metadata === undefined ? {} : { metadata }),
          version: reply.version ?? reply.payload.version ?? 0,
          ...(reply.timestamp === undefined ? {} : { timestamp: reply.timestamp }),
        };
      },
    );

  const pushes$ = device.observe(replyFilter, { qos: 1 }).pipe(
    filter((message) => methodOf(message) === 'control'),
    map((message) =>
      pipe(
        decodePayload(ShadowControl, message),
        E.map(({ value }): DesiredState => {
          seen(value.version);
          const { desired = {}, reported } = value.payload.state;
          return {
            desired,
            ...(reported === undefined ? {} : { reported }),
            version: value.version,
            source: 'control',
          };
        }),
      ),
    ),
  );

  const fetched$ = device.state$.pipe(
    filter((state) => state.status === 'connected'),
    switchMap(() => get()),
    mergeMap((result): E.Either<ShadowFailure | DecodeError, DesiredState>[] => {
      if (E.isLeft(result)) return [result];
      const { state, version: v } = result.right;
      if (state.desired === undefined || Object.keys(state.desired).length === 0) return [];
      const { desired, reported } = state;
      return [
        E.right({ desired, ...(reported === undefined ? {} : { reported }), version: v, source: 'get' }),
      ];
    }),
  );

  return {
    get,
    update: (reported, options) => write((v) => shadowUpdatePayload({ reported }, v), options),
    clearDesired: (keys = 'all', options) =>
      write((v) => {
        const desired =
          keys === 'all' ? SHADOW_NULL : Object.fromEntries(keys.map((key) => [key, SHADOW_NULL] as const));
        return shadowUpdatePayload({ desired }, v);
      }, options),
    delete: (keys, options) => write((v) => shadowDeletePayload(keys, v), options),
    clear: () =>
      ask(
        () => ({ payload: shadowUpdatePayload({ reported: SHADOW_NULL }, SHADOW_CLEAR_VERSION) }),
        (reply) => reply.payload.version ?? reply.version ?? 0,
      ),
    desired$: merge(pushes$, fetched$),
    get version() {
      return version;
    },
  };
}
