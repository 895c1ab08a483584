import type { Observable, SchedulerLike } from 'rxjs';
import type { TopicParams } from '../topic';

/**
 * A subscriber of a {@link SysBus}: the topic as published, the message, and what the filter's named
 * wildcards captured (a shared frozen empty object for filters without names). May return a promise:
 * `publish` reports its rejection on `failures$`, `publishSync` awaits it before the next handler.
 */
export type SysBusHandler<T> = (topic: string, message: T, params: TopicParams) => void | Promise<void>;

/** A handler that failed during a `publish`: it threw, or the promise it returned rejected. */
export interface SysBusFailure<T> {
  readonly _tag: 'SysBusFailure';
  /** The topic as published. */
  readonly topic: string;
  /** The filter the handler was subscribed with. */
  readonly filter: string;
  readonly message: T;
  /** What the handler threw or rejected with, unchanged. */
  readonly error: unknown;
}

/** Options of `createSysBus`. */
export interface SysBusOptions {
  /**
   * Where `publish` runs its handlers, one action per handler. Default `asapScheduler` (after the current
   * synchronous code, before timers); `TestScheduler.run` drives it in virtual time.
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * An in-process publish/subscribe bus with the API of QuecPython's `sys_bus`, so code ported from it keeps
 * its shape, but over MQTT topic filters: a handler may subscribe `+` / `#` wildcards and named wildcards
 * (`+name`, `#name`) and receives what they captured.
 */
export interface SysBus<T> {
  /**
   * Adds `handler` to `filter`. A filter takes several handlers; the same handler twice on the same filter
   * is kept once, in its first place (the seed keeps a set per topic). Throws `InvalidTopicError` when the
   * filter is invalid (named wildcards allowed), `TypeError` when `handler` is not a function.
   */
  subscribe(filter: string, handler: SysBusHandler<T>): void;
  /**
   * Fire and forget: each handler whose filter matches `topic` runs later, on the scheduler, each isolated
   * from the others; what one throws or rejects with goes to `failures$`. No match, nothing happens. Throws
   * `InvalidTopicError` at once when `topic` is not a valid topic name (no wildcards).
   */
  publish(topic: string, message: T): void;
  /**
   * The matching handlers one after another in subscription order, an async one awaited before the next;
   * synchronous handlers all run before this returns. Resolves when all are done; rejects with the first
   * error, unchanged and not on `failures$`, and the handlers after it do not run (the seed's failures
   * propagate). Throws `InvalidTopicError` synchronously when `topic` is not a valid topic name.
   */
  publishSync(topic: string, message: T): Promise<void>;
  /**
   * Removes `handler` from `filter`, or every handler of `filter` without one; `true` if anything was
   * removed. `filter` is compared as a string, not matched: `unsubscribe('a/+')` leaves `'a/b'` alone.
   * Never throws: an invalid filter cannot have been subscribed.
   */
  unsubscribe(filter: string, handler?: SysBusHandler<T>): boolean;
  /** Every filter with its handlers, in subscription order; a snapshot, not a live view. */
  subTable(): ReadonlyMap<string, readonly SysBusHandler<T>[]>;
  /** The handlers of one filter (compared as a string), in subscription order; empty if none. */
  subTable(filter: string): readonly SysBusHandler<T>[];
  /**
   * Failures of handlers run by `publish`. Hot and never completing: a failure nobody observes is dropped.
   * A rejection arrives when the handler's promise settles, not on the scheduler.
   */
  readonly failures$: Observable<SysBusFailure<T>>;
}
