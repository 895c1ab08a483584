import { defer, throwError, VirtualTimeScheduler, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { BackoffPolicy } from '../../lib/operators/backoffDelay';
import { retryBackoff, type RetryInfo } from '../../lib/operators/retryBackoff';
import { MAX_TIMER_MS } from '../../lib/operators/timerMs';
import { elapse, watchTimerOverflows } from '../support/timerOverflows';

/** Subscribes to `sources` in turn, one per (re)subscription, staying on the last one. */
const inTurn = <T>(sources: readonly Observable<T>[]): Observable<T> => {
  let next = 0;
  return defer(() => sources[Math.min(next++, sources.length - 1)]!);
};

/** A `random` that returns `values` in turn. */
const randoms = (...values: number[]) => {
  let next = 0;
  return () => values[next++] ?? 0;
};

// Delays 2, 4, 8, … frames: small enough to draw.
const exponential: BackoffPolicy = { initialDelayMs: 2, factor: 2, jitter: 'none' };

describe('retryBackoff', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should resubscribe after exponentially growing delays, then let the error through', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -a#');
      // prettier-ignore
      const subs = [
                            '^-!',
                            '----^-!',
                            '----------^-!',
                            '--------------------^-!',
      ];
      const expected = '     -a---a-----a---------a#';

      expectObservable(source.pipe(retryBackoff({ ...exponential, maxRetries: 3 }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should never wait longer than maxDelayMs', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const policy: BackoffPolicy = { ...exponential, maxDelayMs: 5, maxRetries: 3 };
      // delays: 2, 4, 5 (not 8)
      const source = cold('  -#');
      // prettier-ignore
      const subs = [
                            '^!',
                            '---^!',
                            '--------^!',
                            '--------------^!',
      ];
      const expected = '     ---------------#';

      expectObservable(source.pipe(retryBackoff(policy))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should scale the delay by random() with full jitter', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const random = randoms(0.5, 0.25, 0.75);
      const policy: BackoffPolicy = { initialDelayMs: 4, jitter: 'full', maxRetries: 3, random };
      // delays: 0.5 · 4 = 2, 0.25 · 8 = 2, 0.75 · 16 = 12
      const source = cold('  -#');
      // prettier-ignore
      const subs = [
                            '^!',
                            '---^!',
                            '------^!',
                            '-------------------^!',
      ];
      const expected = '     --------------------#';

      expectObservable(source.pipe(retryBackoff(policy))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should grow decorrelated jitter from the previous delay', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const random = randoms(0.5, 0.5);
      const policy: BackoffPolicy = { initialDelayMs: 2, jitter: 'decorrelated', maxRetries: 2, random };
      // delays: 2 + 0.5 · (3 · 2 - 2) = 4, then 2 + 0.5 · (3 · 4 - 2) = 7
      const source = cold('  -#');
      // prettier-ignore
      const subs = [
                            '^!',
                            '-----^!',
                            '-------------^!',
      ];
      const expected = '     --------------#';

      expectObservable(source.pipe(retryBackoff(policy))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should let the error through at once when maxRetries is 0', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -a#', undefined, 'boom');
      const subs = '         ^-!';
      const expected = '     -a#';

      const result = source.pipe(retryBackoff({ ...exponential, maxRetries: 0 }));
      expectObservable(result).toBe(expected, undefined, 'boom');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should let an error through at once when shouldRetry says no', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const shouldRetry = jest.fn((error: unknown) => error !== 'fatal');
      const first = cold('   -#', undefined, 'transient');
      const second = cold('     -#', undefined, 'fatal');
      const firstSub = '     ^!';
      const secondSub = '    ---^!';
      const expected = '     ----#';

      const result = inTurn([first, second]).pipe(
        retryBackoff({ ...exponential, maxRetries: 5, shouldRetry }),
      );
      expectObservable(result).toBe(expected, undefined, 'fatal');
      expectSubscriptions(first.subscriptions).toBe(firstSub);
      expectSubscriptions(second.subscriptions).toBe(secondSub);
      testScheduler.flush();
      expect(shouldRetry.mock.calls).toEqual([['transient'], ['fatal']]);
    });
  });

  it('should start again from attempt 1 after a subscription that lived resetAfterMs', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const retries: RetryInfo[] = [];
      const policy: BackoffPolicy = { ...exponential, maxRetries: 2, resetAfterMs: 10 };
      const flaky = cold('   -#');
      const stable = cold('     ----------#');
      // prettier-ignore
      const flakySubs = [
                            '^!',
                            '---------------^!',
                            '--------------------^!',
      ];
      const stableSub = '    ---^---------!';
      const expected = '     ---------------------#';

      const result = inTurn([flaky, stable, flaky]).pipe(
        retryBackoff(policy, { onRetry: (r) => retries.push(r) }),
      );
      expectObservable(result).toBe(expected);
      expectSubscriptions(flaky.subscriptions).toBe(flakySubs);
      expectSubscriptions(stable.subscriptions).toBe(stableSub);
      testScheduler.flush();
      expect(retries.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
        [1, 2],
        [1, 2],
        [2, 4],
      ]);
    });
  });

  it('should keep counting after a subscription that lived less than resetAfterMs', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const policy: BackoffPolicy = { ...exponential, maxRetries: 1, resetAfterMs: 10 };
      const flaky = cold('   -#');
      const almost = cold('     ---------#');
      const flakySub = '     ^!';
      const almostSub = '    ---^--------!';
      const expected = '     ------------#';

      expectObservable(inTurn([flaky, almost]).pipe(retryBackoff(policy))).toBe(expected);
      expectSubscriptions(flaky.subscriptions).toBe(flakySub);
      expectSubscriptions(almost.subscriptions).toBe(almostSub);
    });
  });

  it('should start the resetAfterMs clock at the first value with stableFrom first-value', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const retries: RetryInfo[] = [];
      const policy: BackoffPolicy = { ...exponential, resetAfterMs: 10 };
      // A connect that hangs 12 frames and fails is not stable; one that connects (c) and lives 10 more is.
      const hanging = cold('------------#');
      const connects = cold('-c----------#');
      const result = inTurn([hanging, hanging, connects, hanging]).pipe(
        retryBackoff(policy, { onRetry: (r) => retries.push(r), stableFrom: 'first-value' }),
      );
      expectObservable(result, '^ 80ms !').toBe('-------------------------------c');
      testScheduler.flush();
      // Counted from subscription, every hanging connect would have lived 12 frames and reset the count: [1, 1, 1, 1, 1].
      expect(retries.map(({ attempt }) => attempt)).toEqual([1, 2, 1, 2, 3]);
    });
  });

  it('should start again from attempt 1 after a connection that lived as long as the backoff it waited for', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const retries: RetryInfo[] = [];
      // A long resetAfterMs: only the backoff-long life can reset the count here.
      const policy: BackoffPolicy = { ...exponential, resetAfterMs: 1000 };
      const down = cold('#');
      // Connects (c), lives 5 frames, drops: as long as the 4-frame backoff before it, and more.
      const flapping = cold('-c----#');
      const result = inTurn([down, down, flapping, down, flapping, down]).pipe(
        retryBackoff(policy, { onRetry: (r) => retries.push(r), stableFrom: 'first-value' }),
      );
      expectObservable(result, '^ 60ms !').toBe('       -------c-----------c', { c: 'c' });
      testScheduler.flush();
      // Then down for good: it backs off again. Reset by resetAfterMs alone: [1, 2, 3, 4, 5, 6, 7, 8, 9].
      expect(retries.map(({ attempt }) => attempt)).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 5]);
    });
  });

  it('should keep backing off a connection that drops sooner than the backoff it waited for', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const retries: RetryInfo[] = [];
      const kicked = cold('-c#');
      const result = kicked.pipe(
        retryBackoff(
          { ...exponential, resetAfterMs: 1000 },
          { onRetry: (r) => retries.push(r), stableFrom: 'first-value' },
        ),
      );
      expectObservable(result, '^ 30ms !').toBe('-c---c-----c---------c', { c: 'c' });
      testScheduler.flush();
      expect(retries.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
        [1, 2],
        [2, 4],
        [3, 8],
        [4, 16],
      ]);
    });
  });

  it('should call onRetry synchronously when a retry is scheduled, never when the error goes through', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const calls: [number, RetryInfo][] = [];
      const onRetry = (info: RetryInfo) => calls.push([testScheduler.now(), info]);
      const source = cold('  -#', undefined, 'boom');
      const expected = '     ---------#';

      const result = source.pipe(retryBackoff({ ...exponential, maxRetries: 2 }, { onRetry }));
      expectObservable(result).toBe(expected, undefined, 'boom');
      testScheduler.flush();
      expect(calls).toEqual([
        [1, { attempt: 1, delayMs: 2, error: 'boom' }],
        [4, { attempt: 2, delayMs: 4, error: 'boom' }],
      ]);
    });
  });

  it('should cancel a pending retry on unsubscription', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const onRetry = jest.fn();
      const source = cold('  -a#');
      const subs = '         ^-!';
      const unsub = '        ----!';
      const expected = '     -a---';

      const result = source.pipe(retryBackoff({ ...exponential, initialDelayMs: 4 }, { onRetry }));
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
      testScheduler.flush();
      expect(onRetry).toHaveBeenCalledTimes(1);
    });
  });

  it('should pass values and completion through without resubscribing', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -a-b|');
      const subs = '         ^---!';
      const expected = '     -a-b|';

      expectObservable(source.pipe(retryBackoff(exponential))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should count attempts separately for each subscriber', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('  -#');
      // prettier-ignore
      const subs = [
                            '^!',
                            '--^!',
                            '---^!',
                            '-----^!',
      ];
      const expected1 = '    ----#';
      const subscribe2 = '   --^';
      const expected2 = '    ------#';

      const result = source.pipe(retryBackoff({ ...exponential, maxRetries: 1 }));
      expectObservable(result).toBe(expected1);
      expectObservable(result, subscribe2).toBe(expected2);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should wait and read the clock on the given scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    const errorsAt: number[] = [];
    throwError(() => 'boom')
      .pipe(retryBackoff({ ...exponential, maxRetries: 2 }, { scheduler }))
      .subscribe({ error: () => errorsAt.push(scheduler.now()) });

    scheduler.flush();
    expect(errorsAt).toEqual([6]);
  });

  it('should default to 1 s doubling delays with full jitter and unlimited retries', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // delays with random() = 0.5: 500, 1000, 2000, 4000 ms
      const source = cold('#');
      const subs = ['(^!)', '500ms (^!)', '1500ms (^!)', '3500ms (^!)', '7500ms (^!)'];
      const unsub = '10s !';

      expectObservable(source.pipe(retryBackoff({ random: () => 0.5 })), unsub).toBe('');
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should say the delay that really applies once exponential growth passes what a timer holds', () => {
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const retries: RetryInfo[] = [];
      const source = cold('#');
      const policy: BackoffPolicy = {
        initialDelayMs: 2 ** 30,
        factor: 4,
        maxDelayMs: 2 ** 40,
        jitter: 'none',
      };
      source
        .pipe(retryBackoff({ ...policy, maxRetries: 2 }, { onRetry: (r) => retries.push(r) }))
        .subscribe({ error: () => undefined });
      testScheduler.flush();

      expect(retries.map(({ delayMs }) => delayMs)).toEqual([2 ** 30, MAX_TIMER_MS]);
      expectSubscriptions(source.subscriptions).toBe([
        '(^!)',
        `${2 ** 30}ms (^!)`,
        `${2 ** 30 + MAX_TIMER_MS}ms (^!)`,
      ]);
    });
  });
});

describe('retryBackoff on Node.js timers', () => {
  it('should wait, not resubscribe in a tight loop, when a delay is longer than a timer holds', async () => {
    const overflows = watchTimerOverflows();
    let subscriptions = 0;
    const retries: RetryInfo[] = [];
    const source = defer(() => {
      subscriptions += 1;
      return throwError(() => 'down');
    });
    const subscription = source
      .pipe(
        retryBackoff(
          { initialDelayMs: 2 ** 31, maxDelayMs: 2 ** 31, jitter: 'none' },
          { onRetry: (r) => retries.push(r) },
        ),
      )
      .subscribe({ error: () => undefined });
    await elapse(50);
    subscription.unsubscribe();
    overflows.stop();

    expect(subscriptions).toBe(1);
    expect(retries).toEqual([{ attempt: 1, delayMs: MAX_TIMER_MS, error: 'down' }]);
    expect(overflows.count()).toBe(0);
  });
});
