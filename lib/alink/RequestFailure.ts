import type { PublishFailure } from '../connection/messages';
import type { DecodeError } from '../operators/decodeJson';

/** The receiver replied, with a code other than 200. */
export interface ReplyFailure {
  readonly _tag: 'ReplyFailure';
  /** The topic the request went to. */
  readonly topic: string;
  readonly id: string;
  /** The platform's code (`codeName(code)` names the known ones). */
  readonly code: number;
  /** The platform's message, when it sent one. */
  readonly message?: string | undefined;
  readonly data?: unknown;
}

/** No reply came in time. */
export interface TimeoutFailure {
  readonly _tag: 'TimeoutFailure';
  readonly topic: string;
  /** The message id of the request, when it has one. */
  readonly id?: string | undefined;
  readonly timeoutMs: number;
}

/** The reply topic could not be subscribed (a refused SUBACK, a filter outside the namespace). */
export interface SubscribeFailure {
  readonly _tag: 'SubscribeFailure';
  readonly filter: string;
  readonly error: Error;
}

/**
 * Why a request failed, as a value: a reply with a failure code, no reply in time, the publish failed (or the
 * device closed before the reply), the reply topic could not be subscribed, or the reply to this id did not
 * decode.
 */
export type RequestFailure = ReplyFailure | TimeoutFailure | PublishFailure | SubscribeFailure | DecodeError;

export const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
