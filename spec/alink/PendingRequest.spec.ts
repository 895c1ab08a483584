import * as E from 'fp-ts/Either';
import { NEVER, Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { correlatedReplies } from '../../lib/alink/correlatedReplies';
import { Deadlines } from '../../lib/alink/Deadlines';
import { PendingRequest } from '../../lib/alink/PendingRequest';
import type { RequestSpec } from '../../lib/alink/request';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const spec = (more: Partial<RequestSpec<string>> = {}): RequestSpec<string> => ({
  message: { topic: topics.propertyPost, payload: '{}', qos: 1 },
  replyFilter: topics.propertyPostReply,
  reply: (message) => (message.payload.toString() === '"mine"' ? E.right('mine') : undefined),
  timeoutMs: 30,
  id: '7',
  ...more,
});
const pending = (device: ReturnType<typeof fakeAlinkDevice>['device'], s: RequestSpec<string>) =>
  new Observable<E.Either<unknown, string>>((subscriber) => new PendingRequest(subscriber, s).start(device));

describe('PendingRequest', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should time out on shared Deadlines as on a timer of its own', () => {
    scheduler.run(({ expectObservable }) => {
      const { device } = fakeAlinkDevice({ observed: () => NEVER });
      const failure = E.left({ _tag: 'TimeoutFailure', topic: topics.propertyPost, timeoutMs: 30, id: '7' });
      expectObservable(pending(device, spec())).toBe('30ms (t|)', { t: failure });
      expectObservable(pending(device, spec({ deadlines: new Deadlines() }))).toBe('30ms (t|)', {
        t: failure,
      });
    });
  });

  it('should hear its reply through a correlatedReplies channel, with the payload parsed once', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const replies = hot('-a-b', {
        a: inbound(topics.propertyPostReply, { id: '8' }),
        b: inbound(topics.propertyPostReply, { id: '7' }),
      });
      const { device } = fakeAlinkDevice({ observed: () => replies });
      const seen: unknown[] = [];
      const channel = correlatedReplies(device, topics.eventPostReply('+'), 0);
      const s = spec({
        replies: channel,
        reply: (_message, json) => (seen.push(json), E.right('mine')),
      });
      expectObservable(pending(device, s)).toBe('---(m|)', { m: E.right('mine') });
      expectSubscriptions(replies.subscriptions).toBe('^--!');
      scheduler.flush();
      expect(seen).toEqual([{ id: '7' }]);
    });
  });

  it('should let go of a publish still out when unsubscribed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('----(r|)', { r: { topic: topics.propertyPost, qos: 1 as const, bytes: 2 } });
      const { device } = fakeAlinkDevice({ observed: () => NEVER, published: () => slow });
      expectObservable(pending(device, spec({ timeoutMs: 100 })), '--!').toBe('---');
      expectSubscriptions(slow.subscriptions).toBe('^-!');
    });
  });
});
