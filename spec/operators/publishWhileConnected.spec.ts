import * as E from 'fp-ts/Either';
import { BehaviorSubject, of, throwError, VirtualTimeScheduler, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { BackoffPolicy } from '../../lib/operators/backoffDelay';
import { publishWhileConnected, type PeriodicPublishError } from '../../lib/operators/publishWhileConnected';
import type { RetryInfo } from '../../lib/operators/retryBackoff';
import { elapse, watchTimerOverflows } from '../support/timerOverflows';

const flags = { t: true, f: false };
const ok = { r: E.right('ok') };
// Retries after 2, 4, 8 frames.
const quick: BackoffPolicy = { initialDelayMs: 2, jitter: 'none', maxRetries: 3 };

const timedOut = (tick: number, message: string): E.Either<PeriodicPublishError<string>, never> =>
  E.left({ _tag: 'PeriodicPublishError', tick, message, error: 'timeout' });

describe('publishWhileConnected', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  afterEach(() => jest.restoreAllMocks());

  it('should publish at once and every period while connected, stop while reconnecting, then resume', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent: string[] = [];
      const connected = cold('-t----f---t------|', flags);
      const receipt = cold('   (r|)', { r: 'ok' });
      const connectedSub = '  ^----------------!';
      // prettier-ignore
      const receiptSubs = [
                             '-(^!)',
                             '----(^!)',
                             '----------(^!)',
                             '-------------(^!)',
                             '----------------(^!)',
      ];
      const expected = '      -r--r-----r--r--r|';
      const unsub = '         -------------------!';

      const result = connected.pipe(
        publishWhileConnected({
          periodMs: 3,
          message: (tick) => `hello ${tick}`,
          publish: (message) => (sent.push(message), receipt),
        }),
      );
      expectObservable(result, unsub).toBe(expected, ok);
      expectSubscriptions(connected.subscriptions).toBe(connectedSub);
      expectSubscriptions(receipt.subscriptions).toBe(receiptSubs);
      testScheduler.flush();
      expect(sent).toEqual(['hello 0', 'hello 1', 'hello 2', 'hello 3', 'hello 4']);
    });
  });

  // A literal message keeps its literal types (`const M`): `qos: 1` fits a publish that takes `0 | 1 | 2`,
  // as `device.publish` does, without `as const`. Without it this would not compile.
  it('should take a literal message as the publish function types it', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const send = (m: { readonly topic: string; readonly qos?: 0 | 1 | 2 }) => cold('(r|)', { r: m.qos });
      const result = cold('t', flags).pipe(
        publishWhileConnected({ periodMs: 5, message: { topic: 't', qos: 1 }, publish: (m) => send(m) }),
      );
      expectObservable(result, '^------!').toBe('r----r-', { r: E.right(1) });
    });
  });

  it('should publish once on reconnecting, not make up the ticks missed while disconnected', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const connected = cold('t--f 16ms t--|', flags);
      const receipt = cold('  (r|)', { r: 'ok' });
      // prettier-ignore
      const receiptSubs = [
                             '(^!)',
                             '--(^!)',
                             '---- 16ms (^!)',
                             '---- 16ms --(^!)',
      ];
      const expected = '      r-r- 16ms r-r|';
      const unsub = '         ---- 16ms -----!';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 2, message: 'hello', publish: () => receipt }),
      );
      expectObservable(result, unsub).toBe(expected, ok);
      expectSubscriptions(receipt.subscriptions).toBe(receiptSubs);
    });
  });

  it('should skip the ticks that fall while a slow publish is in flight, not queue them', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const connected = cold('t', flags);
      const receipt = cold('  ----(r|)', { r: 'ok' });
      // prettier-ignore
      const receiptSubs = [
                             '^---!',
                             '------^---!',
                             '------------^---!',
      ];
      const unsub = '         -----------------!';
      const expected = '      ----r-----r-----r-';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 3, message: 'hello', publish: () => receipt }),
      );
      expectObservable(result, unsub).toBe(expected, ok);
      expectSubscriptions(receipt.subscriptions).toBe(receiptSubs);
    });
  });

  it('should retry a failed publish with the same message after the backoff delay', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent: string[] = [];
      const retries: RetryInfo[] = [];
      const connected = cold('t', flags);
      const failing = cold('  -#', undefined, 'timeout');
      const receipt = cold('     -(r|)', { r: 'ok' });
      const failingSub = '    ^!';
      const receiptSub = '    ---^!';
      const unsub = '         ---------!';
      const expected = '      ----r-----';

      const tries: Observable<string>[] = [failing, receipt];
      const result = connected.pipe(
        publishWhileConnected({
          periodMs: 10,
          message: (tick) => `hello ${tick}`,
          publish: (message) => (sent.push(message), tries.shift() ?? receipt),
          retry: quick,
          onRetry: (info) => retries.push(info),
        }),
      );
      expectObservable(result, unsub).toBe(expected, ok);
      expectSubscriptions(failing.subscriptions).toBe(failingSub);
      expectSubscriptions(receipt.subscriptions).toBe(receiptSub);
      testScheduler.flush();
      expect(sent).toEqual(['hello 0', 'hello 0']);
      expect(retries).toEqual([{ attempt: 1, delayMs: 2, error: 'timeout' }]);
    });
  });

  it('should emit a left when the retries give up, and go on with the next tick', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const connected = cold('t', flags);
      const failing = cold('  -#', undefined, 'timeout');
      // prettier-ignore
      const failingSubs = [
                             '^!',
                             '--^!',
                             '-----^!',
                             '-------^!',
      ];
      const unsub = '         ---------!';
      const expected = '      ---a----b-';

      const result = connected.pipe(
        publishWhileConnected({
          periodMs: 5,
          message: (tick) => `hello ${tick}`,
          publish: () => failing,
          retry: { ...quick, initialDelayMs: 1, maxRetries: 1 },
        }),
      );
      expectObservable(result, unsub).toBe(expected, {
        a: timedOut(0, 'hello 0'),
        b: timedOut(1, 'hello 1'),
      });
      expectSubscriptions(failing.subscriptions).toBe(failingSubs);
    });
  });

  it('should retry 3 times by default, with the default backoff', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // delays with random() = 0.5: 500, 1000, 2000 ms
      const connected = cold('t', flags);
      const failing = cold('-#', undefined, 'timeout');
      const failingSubs = ['^!', '501ms ^!', '1502ms ^!', '3503ms ^!'];
      const unsub = '4s !';
      const expected = '3504ms a';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 10_000, message: 'hello', publish: () => failing }),
      );
      expectObservable(result, unsub).toBe(expected, { a: timedOut(0, 'hello') });
      expectSubscriptions(failing.subscriptions).toBe(failingSubs);
    });
  });

  it('should not retry when retry is false', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const connected = cold('t', flags);
      const failing = cold('  -#', undefined, 'timeout');
      // prettier-ignore
      const failingSubs = [
                             '^!',
                             '---^!',
      ];
      const unsub = '         -----!';
      const expected = '      -a--b-';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 3, message: 'hello', publish: () => failing, retry: false }),
      );
      expectObservable(result, unsub).toBe(expected, {
        a: timedOut(0, 'hello'),
        b: timedOut(1, 'hello'),
      });
      expectSubscriptions(failing.subscriptions).toBe(failingSubs);
    });
  });

  it('should cancel the publish in flight on disconnecting', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const connected = cold('t--f', flags);
      const receipt = cold('  -----(r|)', { r: 'ok' });
      const receiptSub = '    ^--!';
      const expected = '      ---------';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 10, message: 'hello', publish: () => receipt }),
      );
      expectObservable(result).toBe(expected);
      expectSubscriptions(receipt.subscriptions).toBe(receiptSub);
    });
  });

  it('should cancel a pending retry on disconnecting', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const onRetry = jest.fn();
      const connected = cold('t--f', flags);
      const failing = cold('  -#', undefined, 'timeout');
      const failingSub = '    ^!';
      const expected = '      ---------';

      const result = connected.pipe(
        publishWhileConnected({
          periodMs: 10,
          message: 'hello',
          publish: () => failing,
          retry: { ...quick, initialDelayMs: 4 },
          onRetry,
        }),
      );
      expectObservable(result).toBe(expected);
      expectSubscriptions(failing.subscriptions).toBe(failingSub);
      testScheduler.flush();
      expect(onRetry).toHaveBeenCalledTimes(1);
    });
  });

  it('should wait for the first true, and not restart the clock on a repeated true', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const connected = cold('f-t-t', flags);
      const receipt = cold('  (r|)', { r: 'ok' });
      const unsub = '         ----------!';
      const expected = '      --r--r--r--';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 3, message: 'hello', publish: () => receipt }),
      );
      expectObservable(result, unsub).toBe(expected, ok);
    });
  });

  it('should complete when the flags complete, even while connected, and error when they error', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const completing = cold('t----|', flags);
      const erroring = cold('  t--#', flags, 'closed');
      const receipt = cold('   (r|)', { r: 'ok' });
      const completed = '      r-r-r|';
      const errored = '        r-r#';
      const unsub = '          ----------!';

      const config = { periodMs: 2, message: 'hello', publish: () => receipt };
      expectObservable(completing.pipe(publishWhileConnected(config)), unsub).toBe(completed, ok);
      expectObservable(erroring.pipe(publishWhileConnected(config))).toBe(errored, ok, 'closed');
    });
  });

  it('should emit everything a publish emits', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const connected = cold('t', flags);
      const receipt = cold('  -a-b|');
      const unsub = '         -----!';
      const expected = '      -a-b--';

      const result = connected.pipe(
        publishWhileConnected({ periodMs: 10, message: 'hello', publish: () => receipt }),
      );
      expectObservable(result, unsub).toBe(expected, { a: E.right('a'), b: E.right('b') });
    });
  });

  it('should run its period and its retries on the given scheduler', () => {
    const scheduler = new VirtualTimeScheduler(undefined, 10);
    const publishedAt: number[] = [];
    let tries = 0;
    new BehaviorSubject(true)
      .pipe(
        publishWhileConnected({
          periodMs: 3,
          message: 'hello',
          publish: () => (tries++ === 0 ? throwError(() => 'timeout') : of(scheduler.now())),
          retry: quick,
          scheduler,
        }),
      )
      .subscribe((result) => E.isRight(result) && publishedAt.push(result.right));

    scheduler.flush();
    expect(publishedAt).toEqual([2, 3, 6, 9]);
  });

  it('should wait a period longer than a Node.js timer holds, not publish in a tight loop', async () => {
    const overflows = watchTimerOverflows();
    let publishes = 0;
    const loop = new BehaviorSubject(true)
      .pipe(
        publishWhileConnected({
          periodMs: 2 ** 31,
          message: 'm',
          publish: () => of(++publishes),
          retry: false,
        }),
      )
      .subscribe();
    await elapse(50);
    loop.unsubscribe();
    overflows.stop();

    expect(publishes).toBe(1);
    expect(overflows.count()).toBe(0);
  });
});
