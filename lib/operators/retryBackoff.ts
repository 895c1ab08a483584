import { asyncScheduler, defer, retry, tap, throwError, timer } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { backoffDelay, type BackoffPolicy } from './backoffDelay';

/** A retry that {@link retryBackoff} has just scheduled. */
export interface RetryInfo {
  /** 1-based, counted since the last stable period (see `BackoffPolicy.resetAfterMs`). */
  readonly attempt: number;
  /** How long until the source is subscribed again. */
  readonly delayMs: number;
  /** The error that caused the retry. */
  readonly error: unknown;
}

/** What {@link retryBackoff} needs besides the policy: hooks and plumbing, not data. */
export interface RetryBackoffOptions {
  /**
   * Called synchronously each time a retry is scheduled, before its delay starts; the connection layer uses
   * it to show `{ status: 'reconnecting', attempt, delayMs, error }`. Not called when the error goes through.
   * Default: none.
   */
  readonly onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Runs the delays and reads the clock for `resetAfterMs`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * When the `resetAfterMs` clock starts: at each (re)subscription, or at the first value after it (a
   * connection counts as stable from its CONNACK, not from the start of a connect that may hang). With
   * `'first-value'`, a subscription that errors before emitting never resets the attempts, and one that
   * lives as long as the backoff it waited for after its first value resets them even short of
   * `resetAfterMs` (a flapping broker does not build up long delays).
   * Default `'subscribe'`.
   */
  readonly stableFrom?: 'subscribe' | 'first-value' | undefined;
}

/**
 * Mirrors the source, and on an error resubscribes to it after {@link backoffDelay}. The error goes through
 * when `shouldRetry(error)` is `false` or after `maxRetries` retries in a row. A (re)subscription that lived
 * `resetAfterMs` without an error was stable: the next error starts again from attempt 1 and the initial
 * delay. With `stableFrom: 'first-value'`, one that lived as long as the backoff it waited for (the delay
 * before jitter) after its first value was stable too. Each subscriber to the result counts its own
 * attempts. Unsubscribing cancels a pending retry.
 *
 * ```ts
 * connect$.pipe(
 *   retryBackoff(
 *     { maxDelayMs: 30_000, shouldRetry: (error) => !(error instanceof CredentialsRefused) },
 *     { onRetry: (retry) => state$.next({ status: 'reconnecting', ...retry }) },
 *   ),
 * );
 * ```
 */
export function retryBackoff<T>(
  policy: BackoffPolicy = {},
  options: RetryBackoffOptions = {},
): MonoTypeOperatorFunction<T> {
  const { maxRetries = Infinity, resetAfterMs = 30_000, shouldRetry = () => true } = policy;
  const { onRetry, scheduler = asyncScheduler, stableFrom = 'subscribe' } = options;

  return (source) =>
    defer(() => {
      let attempt = 0;
      let previousDelayMs: number | undefined;
      /** How long the current (re)subscription must live to count as stable. */
      let stableAfterMs = resetAfterMs;
      // Reading the scheduler's clock when an error arrives says the same as a reset timer armed at each
      // subscription, without one more timer per subscription, and is virtual under TestScheduler.run.
      const startClock = () => (stableFrom === 'subscribe' ? scheduler.now() : undefined);
      let stableSince = startClock();

      return source.pipe(
        tap(() => (stableSince ??= scheduler.now())),
        retry({
          delay: (error: unknown) => {
            if (stableSince !== undefined && scheduler.now() - stableSince >= stableAfterMs) {
              attempt = 0;
              previousDelayMs = undefined;
            }
            if (attempt >= maxRetries || !shouldRetry(error)) {
              return throwError(() => error);
            }
            attempt += 1;
            const delayMs = backoffDelay(policy, attempt, previousDelayMs);
            previousDelayMs = delayMs;
            // Once it has emitted, stable when it lives as long as the backoff it waited for (before jitter): a
            // connection that fails at once still backs off up to maxDelayMs, one that lives a while between
            // failures (a flapping broker) never waits much longer than it lives. Without a value there is no
            // such progress: a retried request that fails slowly must still reach maxRetries.
            if (stableFrom === 'first-value') {
              stableAfterMs = Math.min(resetAfterMs, backoffDelay({ ...policy, jitter: 'none' }, attempt));
            }
            onRetry?.({ attempt, delayMs, error });
            return timer(delayMs, scheduler).pipe(tap(() => (stableSince = startClock())));
          },
        }),
      );
    });
}
