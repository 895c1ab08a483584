import { MAX_TIMER_MS } from './timerMs';

/**
 * How to wait between retries: exponential, capped, with jitter, reset after a stable period. Plain data
 * (plus two optional functions), so it can sit in `DeviceOptions.reconnect` and be logged as it is.
 */
export interface BackoffPolicy {
  /** The delay before the first retry, and the floor of decorrelated jitter. Default `1000`. */
  readonly initialDelayMs?: number | undefined;
  /**
   * No delay is ever longer than this, nor than 2^31 - 1 ms (about 24.8 days, the longest a Node.js timer
   * holds). Default `60000`.
   */
  readonly maxDelayMs?: number | undefined;
  /** Each retry waits `factor` times longer than the one before (before jitter). Default `2`. */
  readonly factor?: number | undefined;
  /**
   * How the delay is randomised so that many devices do not retry in step. Default `'full'`.
   * - `'none'`: `min(maxDelayMs, initialDelayMs · factor^(attempt - 1))`
   * - `'full'`: `random() ·` the above
   * - `'decorrelated'`: `min(maxDelayMs, random between initialDelayMs and 3 · the previous delay)`
   */
  readonly jitter?: 'none' | 'full' | 'decorrelated' | undefined;
  /** How many retries in a row before the error goes through (`0`: never retry). Default `Infinity`. */
  readonly maxRetries?: number | undefined;
  /**
   * A (re)subscription that lives this long without an error was stable: the next error counts as the first
   * retry again, with the initial delay. A connection is stable sooner, once it has lived as long as the
   * backoff it waited for (see `RetryBackoffOptions.stableFrom`). Default `30000`.
   */
  readonly resetAfterMs?: number | undefined;
  /** Whether an error is worth retrying at all; `false` lets it through at once. Default: always `true`. */
  readonly shouldRetry?: ((error: unknown) => boolean) | undefined;
  /** A number in `[0, 1)`, injected for deterministic jitter in tests. Default `Math.random`. */
  readonly random?: (() => number) | undefined;
}

/**
 * The delay in whole milliseconds before retry number `attempt` (1-based), never over `maxDelayMs` nor
 * 2^31 - 1 (the longest a timer holds): the delay a timer really waits. `previousDelayMs` is only read by decorrelated jitter
 * and defaults to `initialDelayMs`. Pure when `random` is.
 *
 * ```ts
 * backoffDelay({ jitter: 'none' }, 3) // 4000
 * ```
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, previousDelayMs?: number): number {
  const { initialDelayMs = 1000, maxDelayMs = 60_000, factor = 2, jitter = 'full' } = policy;
  const random = policy.random ?? Math.random;
  const cap = Math.min(maxDelayMs, MAX_TIMER_MS);
  switch (jitter) {
    case 'none':
      return Math.round(exponential(initialDelayMs, cap, factor, attempt));
    case 'full':
      return Math.round(random() * exponential(initialDelayMs, cap, factor, attempt));
    case 'decorrelated': {
      const upper = 3 * (previousDelayMs ?? initialDelayMs);
      return Math.round(Math.min(cap, initialDelayMs + random() * (upper - initialDelayMs)));
    }
  }
}

// Attempts below 1 count as 1, so an off-by-one cannot shrink the first delay. After ~1000 doublings the
// power overflows to Infinity; holding it at MAX_VALUE keeps `0 · power` at 0 instead of NaN.
const exponential = (base: number, cap: number, factor: number, attempt: number): number =>
  Math.min(cap, base * Math.min(Number.MAX_VALUE, factor ** (Math.max(1, attempt) - 1)));
