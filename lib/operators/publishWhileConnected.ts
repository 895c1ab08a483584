import * as E from 'fp-ts/Either';
import {
  asyncScheduler,
  catchError,
  defer,
  distinctUntilChanged,
  EMPTY,
  endWith,
  exhaustMap,
  identity,
  map,
  of,
  switchMap,
  timer,
} from 'rxjs';
import type { MonoTypeOperatorFunction, Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import type { BackoffPolicy } from './backoffDelay';
import { retryBackoff, type RetryBackoffOptions } from './retryBackoff';
import { timerMs } from './timerMs';

/** The {@link publishWhileConnected} configuration. */
export interface PublishWhileConnectedConfig<M, R> {
  /** Time between the starts of two publishes, at most 2^31 - 1 (longer periods wait that long). Required. */
  readonly periodMs: number;
  /**
   * What to publish, or a function of the tick: 0, 1, 2, … for the publishes this loop has started. A literal
   * keeps its literal types, so `qos: 1` fits `device.publish` as it is.
   */
  readonly message: M | ((tick: number) => M);
  /** Publishes one message; subscribed once per try, so a cold `device.publish` fits as it is. */
  readonly publish: (message: M) => Observable<R>;
  /** How a failed publish is retried before giving up; `false`: not at all. Default `{ maxRetries: 3 }`. */
  readonly retry?: BackoffPolicy | false | undefined;
  /** Called when a failed publish's retry is scheduled, as `RetryBackoffOptions.onRetry`. Default: none. */
  readonly onRetry?: RetryBackoffOptions['onRetry'];
  /** Runs the period and the retry delays. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** A periodic publish that failed even after its retries; the loop goes on with the next tick. */
export interface PeriodicPublishError<M> {
  readonly _tag: 'PeriodicPublishError';
  readonly tick: number;
  readonly message: M;
  readonly error: unknown;
}

/**
 * Applied to a stream of "connected?" flags, publishes a message every `periodMs` while the last flag is
 * `true`, and emits what each publish emits, as rights.
 *
 * - The first publish goes out at once on connecting (as the seed's loop does), then one per period.
 * - Disconnecting stops the clock and cancels the publish in flight and its retries; reconnecting starts a
 *   fresh clock: missed ticks are never made up in a burst.
 * - Publishes never overlap: a tick that falls while one is in flight (or retrying) is skipped, not queued
 *   (`exhaustMap`), and the loop stays on its period.
 * - A failed publish is retried with `retryBackoff(retry)`; when it gives up, a {@link PeriodicPublishError}
 *   is emitted as a left and the loop carries on. The stream errors only if the flags do, and completes
 *   when they do.
 *
 * ```ts
 * device.state$.pipe(
 *   map((state) => state.status === 'connected'),
 *   publishWhileConnected({
 *     periodMs: 2000,
 *     message: (tick) => ({ topic, payload: `hello world ${tick}` }),
 *     publish: (message) => device.publish(message),
 *   }),
 * );
 * ```
 */
export function publishWhileConnected<const M, R>(
  config: PublishWhileConnectedConfig<M, R>,
): OperatorFunction<boolean, E.Either<PeriodicPublishError<M>, R>> {
  const { periodMs, message, publish, retry = defaultRetry, onRetry, scheduler = asyncScheduler } = config;
  const messageOf = (tick: number): M => (isFactory(message) ? message(tick) : message);
  const retrying: MonoTypeOperatorFunction<R> =
    retry === false ? identity : retryBackoff(retry, { onRetry, scheduler });

  return (connected) =>
    defer(() => {
      let nextTick = 0;
      const publishOnce = (): Observable<E.Either<PeriodicPublishError<M>, R>> => {
        const tick = nextTick++;
        const current = messageOf(tick);
        return defer(() => publish(current)).pipe(
          retrying,
          map((result) => E.right(result)),
          catchError((error: unknown) =>
            of(E.left({ _tag: 'PeriodicPublishError' as const, tick, message: current, error })),
          ),
        );
      };

      return connected.pipe(
        // The end of the flags means "disconnected for good": stop, and let the result complete.
        endWith(false),
        distinctUntilChanged(),
        switchMap((isConnected) =>
          isConnected ? timer(0, timerMs(periodMs), scheduler).pipe(exhaustMap(publishOnce)) : EMPTY,
        ),
      );
    });
}

// Few tries: a newer tick soon supersedes a message that keeps failing.
const defaultRetry: BackoffPolicy = { maxRetries: 3 };

// A function-valued M cannot be told apart from a factory; such messages must be wrapped in a factory.
const isFactory = <M>(message: M | ((tick: number) => M)): message is (tick: number) => M =>
  typeof message === 'function';
