import type { PublishFailure } from '../connection/messages';
import type { DecodeError } from '../operators/decodeJson';

/** A request served with code 200; `latencyMs` runs from its arrival until the reply was sent. */
export interface Answered {
  readonly _tag: 'Answered';
  /** The topic the request came on. */
  readonly topic: string;
  /** The Alink id of the request, or the RRPC message id. */
  readonly id: string;
  readonly latencyMs: number;
}

/**
 * A request answered with an error code: its params did not decode (460), or the handler failed. Where a
 * reply cannot carry a code (a raw reply, `createRawData`), nothing is sent: `code` and `message` are what
 * the reply would have said.
 */
export interface Failed {
  readonly _tag: 'Failed';
  readonly topic: string;
  readonly id: string;
  /** The code replied (or that would have been, where nothing is sent). */
  readonly code: number;
  /** The message replied (or that would have been). */
  readonly message: string;
  /** What went wrong: the params' `DecodeError`, or what the handler threw or errored with. */
  readonly cause: DecodeError | Error;
  readonly latencyMs: number;
}

/** No reply was sent within the platform's deadline; nothing is sent for this request any more. */
export interface Late {
  readonly _tag: 'Late';
  readonly topic: string;
  readonly id: string;
  readonly deadlineMs: number;
}

/**
 * No reply could be sent: the request did not say where to (no id in a payload that did not decode), or
 * the reply's publish failed.
 */
export interface Unanswered {
  readonly _tag: 'Unanswered';
  readonly topic: string;
  readonly id?: string | undefined;
  readonly reason: DecodeError | PublishFailure;
}

/** What became of one served request: each `serve…` stream emits one per request. */
export type ServeOutcome = Answered | Failed | Late | Unanswered;
