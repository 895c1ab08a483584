import { Observable, type Subscriber } from 'rxjs';
import { Fanout } from '../../lib/connection/Fanout';

/** Subscribes `handlers` to `fanout` through real RxJS Subscribers, as the registry does. */
function observe<T>(fanout: Fanout<T>, handler: Partial<Subscriber<T>> | ((value: T) => void)) {
  let subscriber: Subscriber<T> | undefined;
  const subscription = new Observable<T>((s) => {
    subscriber = s;
    fanout.add(s);
    return () => fanout.remove(s);
  }).subscribe(handler);
  return { subscription, subscriber: subscriber as Subscriber<T> };
}

describe('Fanout', () => {
  it('should deliver to every observer in order of arrival, and stop when one leaves', () => {
    const fanout = new Fanout<number>();
    const seen: string[] = [];
    const a = observe(fanout, (n) => seen.push(`a${n}`));
    observe(fanout, (n) => seen.push(`b${n}`));
    fanout.next(1);
    a.subscription.unsubscribe();
    fanout.next(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('should give an observer joining during a delivery only the next one, and none to one leaving', () => {
    const fanout = new Fanout<number>();
    const seen: string[] = [];
    let late: ReturnType<typeof observe<number>> | undefined;
    const first = observe(fanout, (n) => {
      seen.push(`first${n}`);
      if (n === 1) {
        late = observe(fanout, (m) => seen.push(`late${m}`));
        second.subscription.unsubscribe();
      }
    });
    const second = observe(fanout, (n) => seen.push(`second${n}`));
    fanout.next(1);
    fanout.next(2);
    // As with a Subject: the one that left is closed, so it hears nothing more, even from this delivery.
    expect(seen).toEqual(['first1', 'first2', 'late2']);
    first.subscription.unsubscribe();
    late?.subscription.unsubscribe();
  });

  it('should end every observer on error and on complete, and forget them', () => {
    const fanout = new Fanout<number>();
    const ended: string[] = [];
    observe(fanout, { error: (e: Error) => ended.push(`a ${e.message}`) });
    observe(fanout, { error: (e: Error) => ended.push(`b ${e.message}`) });
    fanout.error(new Error('refused'));
    const after = observe(fanout, { next: (n) => ended.push(`c${n}`), complete: () => ended.push('c done') });
    fanout.next(3);
    fanout.complete();
    fanout.next(4);
    expect(ended).toEqual(['a refused', 'b refused', 'c3', 'c done']);
    expect(after.subscription.closed).toBe(true);
  });

  it('should keep delivering to the others when a handler throws', () => {
    const fanout = new Fanout<number>();
    const seen: number[] = [];
    const reported: unknown[] = [];
    const original = setTimeout;
    // RxJS reports a throwing handler asynchronously, on a timer: catch it instead of crashing the test.
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void) => {
      try {
        fn();
      } catch (error) {
        reported.push(error);
      }
      return original(() => {}, 0);
    }) as typeof setTimeout);
    try {
      observe(fanout, () => {
        throw new Error('bad handler');
      });
      observe(fanout, (n) => seen.push(n));
      fanout.next(1);
      fanout.next(2);
    } finally {
      jest.restoreAllMocks();
    }
    expect(seen).toEqual([1, 2]);
    expect(reported).toHaveLength(2);
  });
});
