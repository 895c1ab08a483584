import * as t from 'io-ts';
import { throwError, type Observable, type ObservableInput } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ReplyError } from '../../lib/alink/ReplyError';
import { serve, type ServedRequest } from '../../lib/alink/serve';
import { readAlinkRequest } from '../../lib/alink/serveAlink';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { PublishTimeoutError } from '../../lib/connection/errors';
import type {
  InboundMessage,
  JsonValue,
  OutboundMessage,
  PublishReceipt,
} from '../../lib/connection/messages';

const SET = '/sys/pk/dn/thing/service/property/set';

const inbound = (payload: unknown, topic = SET): InboundMessage => ({
  topic,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  qos: 1,
  retain: false,
  dup: false,
});
const request = (id: string, params: unknown = { n: 1 }, topic = SET) =>
  inbound({ id, version: '1.0', params, method: 'thing.service.property.set' }, topic);
const receipt: PublishReceipt = { topic: `${SET}_reply`, qos: 1, packetId: 1, bytes: 10 };

type Handler = (request: ServedRequest<{ n: number }>) => ObservableInput<unknown>;

/** `serve` over a marble stream of requests; what it publishes is recorded with the virtual time. */
function served(
  scheduler: TestScheduler,
  requests: Observable<InboundMessage>,
  handler: Handler,
  published: () => Observable<PublishReceipt>,
  deadlineMs = 8000,
) {
  const sent: { at: number; message: OutboundMessage }[] = [];
  const outcomes$ = serve({
    requests,
    read: readAlinkRequest(t.type({ n: t.number })),
    handler,
    reply: ({ topic, id }, reply) => ({
      topic: `${topic}_reply`,
      payload: { id, ...reply } as JsonValue,
      qos: 1,
    }),
    publish: (message) => {
      sent.push({ at: scheduler.now(), message });
      return published();
    },
    deadlineMs,
  });
  return { outcomes$, sent };
}

describe('serve', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should serve concurrent requests each on its own id, in the order their handlers finish', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      // prettier-ignore
      const requests = hot('a-b-c', { a: request('1', { n: 5 }), b: request('2', { n: 1 }), c: request('3', { n: 2 }) });
      const handler: Handler = ({ params }) =>
        cold(`${'-'.repeat(params.n)}(x|)`, { x: { n: params.n * 10 } });
      const { outcomes$, sent } = served(scheduler, requests, handler, () => cold('(r|)', { r: receipt }));
      // prettier-ignore
      expectObservable(outcomes$).toBe('---b-ac', {
        a: { _tag: 'Answered', topic: SET, id: '1', latencyMs: 5 },
        b: { _tag: 'Answered', topic: SET, id: '2', latencyMs: 1 },
        c: { _tag: 'Answered', topic: SET, id: '3', latencyMs: 2 },
      });
      scheduler.flush();
      expect(sent.map(({ at, message }) => [at, message.payload])).toEqual([
        [3, { id: '2', code: 200, data: { n: 10 } }],
        [5, { id: '1', code: 200, data: { n: 50 } }],
        [6, { id: '3', code: 200, data: { n: 20 } }],
      ]);
    });
  });

  it('should answer params that fail their codec with 460 and the reason, and serve the next request', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const requests = hot('a-b', { a: request('7', { n: 'x' }), b: request('8') });
      const { outcomes$, sent } = served(
        scheduler,
        requests,
        () => cold('(x|)', { x: {} }),
        () => cold('(r|)', { r: receipt }),
      );
      expectObservable(outcomes$).toBe('a-b', {
        a: {
          _tag: 'Failed',
          topic: SET,
          id: '7',
          code: 460,
          message: 'at params.n: expected number, got "x"',
          cause: { _tag: 'DecodeError', topic: SET, messages: ['at params.n: expected number, got "x"'] },
          latencyMs: 0,
        },
        b: { _tag: 'Answered', topic: SET, id: '8', latencyMs: 0 },
      });
      scheduler.flush();
      expect(sent[0]?.message.payload).toEqual({
        id: '7',
        code: 460,
        message: 'at params.n: expected number, got "x"',
      });
    });
  });

  it('should answer a failing handler with 400, a ReplyError with its code, and keep serving', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const requests = hot('a-b-c', { a: request('1'), b: request('2'), c: request('3') });
      const busy = new ReplyError(100001, 'motor busy', { retryInMs: 50 });
      const handler: Handler = ({ id }) => {
        if (id === '1') throw new Error('boom');
        if (id === '2') return throwError(() => busy);
        return cold('-(x|)', { x: 'ok' });
      };
      const { outcomes$, sent } = served(scheduler, requests, handler, () => cold('(r|)', { r: receipt }));
      expectObservable(outcomes$).toBe('a-b--c', {
        a: expect.objectContaining({ _tag: 'Failed', id: '1', code: 400, message: 'boom' }) as ServeOutcome,
        b: expect.objectContaining({ _tag: 'Failed', id: '2', code: 100001, cause: busy }) as ServeOutcome,
        c: { _tag: 'Answered', topic: SET, id: '3', latencyMs: 1 },
      });
      scheduler.flush();
      expect(sent.map(({ message }) => message.payload)).toEqual([
        { id: '1', code: 400, message: 'boom' },
        { id: '2', code: 100001, message: 'motor busy', data: { retryInMs: 50 } },
        { id: '3', code: 200, data: 'ok' },
      ]);
    });
  });

  it('should not answer after the deadline: the outcome is Late and the handler is let go', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const requests = hot('a', { a: request('1') });
      const slow = cold('9s (x|)', { x: {} });
      const { outcomes$, sent } = served(
        scheduler,
        requests,
        () => slow,
        () => cold('(r|)', { r: receipt }),
      );
      expectObservable(outcomes$).toBe('8s a', {
        a: { _tag: 'Late', topic: SET, id: '1', deadlineMs: 8000 },
      });
      expectSubscriptions(slow.subscriptions).toBe('^ 7999ms !');
      scheduler.flush();
      expect(sent).toEqual([]);
    });
  });

  it('should drop a reply still waiting to be sent when the deadline passes', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const requests = hot('a', { a: request('1') });
      // Offline: the reply sits in the queue until a reconnect that comes too late.
      const queued = cold('10s (r|)', { r: receipt });
      const { outcomes$ } = served(
        scheduler,
        requests,
        () => cold('(x|)', { x: {} }),
        () => queued,
      );
      expectObservable(outcomes$).toBe('8s a', {
        a: { _tag: 'Late', topic: SET, id: '1', deadlineMs: 8000 },
      });
      expectSubscriptions(queued.subscriptions).toBe('^ 7999ms !');
    });
  });

  it("should never take the device's own replies, on a _reply topic or on the request's topic, for requests", () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const ext = '/ext/rrpc/99/sys/pk/dn/thing/service/reboot';
      const requests = hot('a-b-c-d', {
        a: inbound({ id: '1', code: 200, data: {} }, '/sys/pk/dn/thing/service/reboot_reply'),
        b: request('1', { n: 1 }, `${SET}_reply`),
        c: inbound({ id: '2', code: 200, data: {} }, ext),
        d: request('3'),
      });
      const { outcomes$, sent } = served(
        scheduler,
        requests,
        () => cold('(x|)', { x: {} }),
        () => cold('(r|)', { r: receipt }),
      );
      expectObservable(outcomes$).toBe('------d', {
        d: { _tag: 'Answered', topic: SET, id: '3', latencyMs: 0 },
      });
      scheduler.flush();
      expect(sent).toHaveLength(1);
    });
  });

  it('should serve a request once when it comes again with the same id (a QoS 1 duplicate)', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const requests = hot('a-a 1m a', { a: request('5') });
      const { outcomes$, sent } = served(
        scheduler,
        requests,
        () => cold('(x|)', { x: {} }),
        () => cold('(r|)', { r: receipt }),
      );
      expectObservable(outcomes$).toBe('a-- 1m a', {
        a: { _tag: 'Answered', topic: SET, id: '5', latencyMs: 0 },
      });
      scheduler.flush();
      // Remembered for a minute: the third copy, a minute later, is served again.
      expect(sent).toHaveLength(2);
    });
  });

  it('should report a request it cannot answer: no id, or a reply that could not be published', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const error = new PublishTimeoutError(`${SET}_reply`, 5);
      const requests = hot('a-b', { a: inbound('not json'), b: request('2') });
      const { outcomes$ } = served(
        scheduler,
        requests,
        () => cold('(x|)', { x: {} }),
        () => cold('-#', undefined, error),
      );
      expectObservable(outcomes$).toBe('a--b', {
        a: {
          _tag: 'Unanswered',
          topic: SET,
          reason: {
            _tag: 'DecodeError',
            topic: SET,
            messages: [expect.stringContaining('not valid JSON') as unknown as string],
          },
        },
        b: {
          _tag: 'Unanswered',
          topic: SET,
          id: '2',
          reason: { _tag: 'PublishFailure', topic: `${SET}_reply`, error },
        },
      });
    });
  });

  it('should send nothing for a failure that reply has no message for, and report it Failed with its code', () => {
    scheduler.run(({ hot, cold, expectObservable }) => {
      const requests = hot('a-b', { a: request('1'), b: request('2') });
      const busy = new ReplyError(100001, 'motor busy');
      const sent: OutboundMessage[] = [];
      // A reply that cannot carry a code, as a raw one: only a success goes out.
      const outcomes$ = serve({
        requests,
        read: readAlinkRequest(t.type({ n: t.number })),
        handler: ({ id }) => (id === '1' ? cold('-#', undefined, busy) : cold('--(x|)', { x: 'ok' })),
        reply: ({ topic }, { code, data }) =>
          code === 200 ? { topic: `${topic}_reply`, payload: data as JsonValue, qos: 1 } : undefined,
        publish: (message) => {
          sent.push(message);
          return cold('(r|)', { r: receipt });
        },
        deadlineMs: 8000,
      });
      expectObservable(outcomes$).toBe('-a--b', {
        a: {
          _tag: 'Failed',
          topic: SET,
          id: '1',
          code: 100001,
          message: 'motor busy',
          cause: busy,
          latencyMs: 1,
        },
        b: { _tag: 'Answered', topic: SET, id: '2', latencyMs: 2 },
      });
      scheduler.flush();
      expect(sent).toEqual([{ topic: `${SET}_reply`, payload: 'ok', qos: 1 }]);
    });
  });

  it('should reply {} when the handler completes without a value, and serve while subscribed only', () => {
    scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const requests = hot('a-b', { a: request('1'), b: request('2') });
      const { outcomes$, sent } = served(
        scheduler,
        requests,
        () => cold('|'),
        () => cold('(r|)', { r: receipt }),
      );
      expectObservable(outcomes$, '^-!').toBe('a-', {
        a: { _tag: 'Answered', topic: SET, id: '1', latencyMs: 0 },
      });
      expectSubscriptions(requests.subscriptions).toBe('^-!');
      scheduler.flush();
      expect(sent.map(({ message }) => message.payload)).toEqual([{ id: '1', code: 200, data: {} }]);
    });
  });
});
