/**
 * The longest delay a Node.js timer holds: 2^31 - 1 ms, about 24.8 days. Node runs a timer of 2^31 ms or
 * more after 1 ms (with a `TimeoutOverflowWarning`), so a longer delay would turn a wait into a tight loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A duration as a timer can hold it: at most {@link MAX_TIMER_MS}, at least 0. Every timer the library arms
 * goes through this, so a duration of a month waits 24.8 days instead of 1 ms.
 *
 * ```ts
 * timer(timerMs(2 ** 40)) // fires after 24.8 days
 * ```
 */
export function timerMs(ms: number): number {
  return Math.max(0, Math.min(MAX_TIMER_MS, ms));
}
