// Test support: counts the timers armed past what Node.js can hold (it would fire them after 1 ms).
import { MAX_TIMER_MS } from '../../lib/operators/timerMs';

/**
 * Watches `setTimeout` and `setInterval` (RxJS's timers and MQTT.js's go through them) until `stop()`;
 * `count()` then says how many were armed with a delay over 2^31 - 1 ms.
 */
export function watchTimerOverflows(): { count(): number; stop(): void } {
  const spies = [jest.spyOn(global, 'setTimeout'), jest.spyOn(global, 'setInterval')];
  let count = 0;
  return {
    count: () => count,
    stop: () => {
      for (const spy of spies) {
        count += spy.mock.calls.filter(
          ([, delay]) => typeof delay === 'number' && delay > MAX_TIMER_MS,
        ).length;
        spy.mockRestore();
      }
    },
  };
}

/** Real time passing, for the few tests about Node.js's own timers. */
export const elapse = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
