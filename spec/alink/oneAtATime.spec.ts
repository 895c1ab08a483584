import { TestScheduler } from 'rxjs/testing';
import { oneAtATime } from '../../lib/alink/oneAtATime';

describe('oneAtATime', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should start each observable once the one before it has ended, in the order of subscription', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const queued = oneAtATime();
      const a = cold('--a|');
      const b = cold('-b|');
      const c = cold('c|');
      expectObservable(queued(a)).toBe('--a|');
      expectObservable(queued(b)).toBe('----b|');
      expectObservable(queued(c)).toBe('-----c|');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe('---^-!');
      expectSubscriptions(c.subscriptions).toBe('-----^!');
    });
  });

  it('should pass the turn on when one errors, and skip one unsubscribed while it waited', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const queued = oneAtATime();
      const a = cold('--#');
      const b = cold('b|');
      const c = cold('-c|');
      expectObservable(queued(a)).toBe('--#');
      expectObservable(queued(b), '^-!').toBe('---');
      expectObservable(queued(c)).toBe('---c|');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('--^-!');
    });
  });

  it('should pass the turn on when the one served is unsubscribed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const queued = oneAtATime();
      expectObservable(queued(cold('-----a|')), '^--!').toBe('---');
      expectObservable(queued(cold('b|'))).toBe('---b|');
    });
  });
});
