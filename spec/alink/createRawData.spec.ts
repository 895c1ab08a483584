import * as E from 'fp-ts/Either';
import { EMPTY, NEVER, of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createRawData } from '../../lib/alink/createRawData';
import { ReplyError } from '../../lib/alink/ReplyError';
import type { ServeOutcome } from '../../lib/alink/ServeOutcome';
import { PublishTimeoutError } from '../../lib/connection/errors';
import type { InboundMessage, PublishReceipt } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const bytes = (...values: number[]) => Buffer.from(values);
const raw = (topic: string, payload: Buffer): InboundMessage => ({ ...inbound(topic, ''), payload });
const rrpcTopic = (messageId: string) => topics.extRrpc(messageId, topics.downRaw);
const receipt: PublishReceipt = { topic: topics.upRaw, qos: 1, packetId: 1, bytes: 2 };

describe('createRawData', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  describe('post', () => {
    it('should publish the bytes on up_raw at QoS 1, once per subscription, and give the receipt', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const { device, sent } = fakeAlinkDevice({ published: () => cold('-(r|)', { r: receipt }) });
        const post$ = createRawData(device).post(bytes(0xaa, 0x01));
        expect(sent).toEqual([]);
        expectObservable(post$).toBe('-(r|)', { r: E.right(receipt) });
        expectObservable(post$).toBe('-(r|)', { r: E.right(receipt) });
        scheduler.flush();
        expect(sent).toEqual([
          { topic: topics.upRaw, payload: bytes(0xaa, 0x01), qos: 1 },
          { topic: topics.upRaw, payload: bytes(0xaa, 0x01), qos: 1 },
        ]);
      });
    });

    it('should send a string as it is (UTF-8 on the wire), at the QoS asked, and give a failed publish as a value', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const error = new PublishTimeoutError(topics.upRaw, 5);
        const { device, sent } = fakeAlinkDevice({ published: () => cold('-#', undefined, error) });
        expectObservable(createRawData(device).post('温度=21', { qos: 0 })).toBe('-(f|)', {
          f: E.left({ _tag: 'PublishFailure', topic: topics.upRaw, error }),
        });
        scheduler.flush();
        expect(sent).toEqual([{ topic: topics.upRaw, payload: '温度=21', qos: 0 }]);
      });
    });
  });

  describe('replies$', () => {
    it('should give every message on up_raw_reply, observed at QoS 1 while subscribed', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const a = raw(topics.upRawReply, bytes(1));
        const b = raw(topics.upRawReply, bytes(2));
        const replies = hot('-a-b-', { a, b });
        const { device, calls } = fakeAlinkDevice({ observed: () => replies });
        expectObservable(createRawData(device).replies$, '^---!').toBe('-a-b', { a, b });
        expectSubscriptions(replies.subscriptions).toBe('^---!');
        scheduler.flush();
        expect(calls).toEqual([`observe ${topics.upRawReply} qos 1`]);
      });
    });
  });

  describe('request', () => {
    const isAnswerTo = (tag: number) => (reply: Buffer) => reply[0] === tag;

    it('should observe up_raw_reply before it publishes, pass over replies that do not match, and take the first that does', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const other = raw(topics.upRawReply, bytes(0x02, 0xff));
        const answer = raw(topics.upRawReply, bytes(0x07, 0x00));
        const later = raw(topics.upRawReply, bytes(0x07, 0x01));
        const replies = hot('-o-a-l', { o: other, a: answer, l: later });
        const { device, calls, sent } = fakeAlinkDevice({ observed: () => replies });
        const asked$ = createRawData(device).request(bytes(0x07, 0x10), { matches: isAnswerTo(0x07) });
        expectObservable(asked$).toBe('---(x|)', { x: E.right(answer.payload) });
        expectSubscriptions(replies.subscriptions).toBe('^--!');
        scheduler.flush();
        expect(calls).toEqual([`observe ${topics.upRawReply} qos 1`, `publish ${topics.upRaw}`]);
        expect(sent).toEqual([{ topic: topics.upRaw, payload: bytes(0x07, 0x10), qos: 1 }]);
        // A raw reply carries no id: a request must say how to know its answer.
        // @ts-expect-error: `matches` is required
        void createRawData(device).request('x', {});
      });
    });

    it('should give a TimeoutFailure after 10 s, or after timeoutMs, and stop observing', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const replies = hot('-a', { a: raw(topics.upRawReply, bytes(0x02)) });
        const { device } = fakeAlinkDevice({ observed: () => replies });
        const rawData = createRawData(device);
        const timeout = (timeoutMs: number) =>
          E.left({ _tag: 'TimeoutFailure', topic: topics.upRaw, timeoutMs });
        expectObservable(rawData.request('ping', { matches: isAnswerTo(0x07) })).toBe('10s (x|)', {
          x: timeout(10_000),
        });
        expectObservable(rawData.request('ping', { matches: isAnswerTo(0x07), timeoutMs: 500 })).toBe(
          '500ms (x|)',
          { x: timeout(500) },
        );
        expectSubscriptions(replies.subscriptions).toBe(['^ 9999ms !', '^ 499ms !']);
      });
    });

    it('should forget the request when unsubscribed: a matching reply after it is not taken', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const replies = hot('---a', { a: raw(topics.upRawReply, bytes(0x07)) });
        // A publish still queued offline: it goes with the request.
        const queued = cold('5s (r|)', { r: receipt });
        const { device } = fakeAlinkDevice({ observed: () => replies, published: () => queued });
        const asked$ = createRawData(device).request('x', { matches: isAnswerTo(0x07) });
        expectObservable(asked$, '^-!').toBe('');
        expectSubscriptions(replies.subscriptions).toBe('^-!');
        expectSubscriptions(queued.subscriptions).toBe('^-!');
      });
    });

    it('should end with a DecodeError when matches throws, instead of waiting out the timeout', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const replies = hot('-a', { a: raw(topics.upRawReply, bytes()) });
        const { device } = fakeAlinkDevice({ observed: () => replies });
        const matches = (reply: Buffer) => {
          if (reply.length === 0) throw new Error('no tag byte');
          return reply[0] === 0x07;
        };
        expectObservable(createRawData(device).request('x', { matches })).toBe('-(x|)', {
          x: E.left({
            _tag: 'DecodeError',
            topic: topics.upRawReply,
            messages: ['matches threw: no tag byte'],
          }),
        });
      });
    });

    it('should give a SubscribeFailure when up_raw_reply cannot be observed', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const refused = new Error('SUBACK 0x80');
        const { device } = fakeAlinkDevice({ observed: () => cold('#', undefined, refused) });
        expectObservable(createRawData(device).request('x', { matches: () => true })).toBe('(x|)', {
          x: E.left({ _tag: 'SubscribeFailure', filter: topics.upRawReply, error: refused }),
        });
      });
    });
  });

  describe('serve', () => {
    /** A fake device whose down_raw and rrpc down_raw subscriptions give these streams. */
    function device(downRaw: Observable<InboundMessage>, rrpc: Observable<InboundMessage> = EMPTY) {
      return fakeAlinkDevice({
        observed: (filter) => (filter === topics.downRaw ? downRaw : rrpc),
        published: (m) => of({ topic: m.topic, qos: m.qos === 1 ? 1 : 0, bytes: 1 }),
      });
    }

    it('should answer down_raw on down_raw_reply at QoS 1, numbering the requests in arrival order', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        // Twice the same bytes: two requests, each answered (the ids keep them apart).
        const same = raw(topics.downRaw, bytes(0x05, 0x01));
        const downRaw = hot('a-a-b', { a: same, b: raw(topics.downRaw, bytes(0x05, 0x02)) });
        const { device: d, calls, sent } = device(downRaw);
        const seen: unknown[] = [];
        const served$ = createRawData(d).serve((request) => {
          seen.push({ ...request, message: undefined });
          return cold('-(x|)', { x: Buffer.concat([request.payload, bytes(0x00)]) });
        });
        expectObservable(served$).toBe('-a-b-c', {
          a: { _tag: 'Answered', topic: topics.downRaw, id: '1', latencyMs: 1 },
          b: { _tag: 'Answered', topic: topics.downRaw, id: '2', latencyMs: 1 },
          c: { _tag: 'Answered', topic: topics.downRaw, id: '3', latencyMs: 1 },
        });
        scheduler.flush();
        expect(calls.slice(0, 2)).toEqual([
          `observe ${topics.downRaw} qos 1`,
          `observe ${rrpcTopic('+')} qos 0`,
        ]);
        expect(sent).toEqual([
          { topic: topics.downRawReply, payload: bytes(0x05, 0x01, 0x00), qos: 1 },
          { topic: topics.downRawReply, payload: bytes(0x05, 0x01, 0x00), qos: 1 },
          { topic: topics.downRawReply, payload: bytes(0x05, 0x02, 0x00), qos: 1 },
        ]);
        // An asynchronous request has no message id.
        expect(seen).toEqual([
          { topic: topics.downRaw, payload: bytes(0x05, 0x01), message: undefined },
          { topic: topics.downRaw, payload: bytes(0x05, 0x01), message: undefined },
          { topic: topics.downRaw, payload: bytes(0x05, 0x02), message: undefined },
        ]);
      });
    });

    it('should number the requests again from 1 for each subscription of the serve', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const downRaw = hot('a-a', { a: raw(topics.downRaw, bytes(1)) });
        const { device: d } = device(downRaw);
        const served$ = createRawData(d).serve(() => 'ok');
        const answered = (id: string) => ({ _tag: 'Answered', topic: topics.downRaw, id, latencyMs: 0 });
        expectObservable(served$, '^!').toBe('a', { a: answered('1') });
        expectObservable(served$, '-^-!').toBe('--a', { a: answered('1') });
      });
    });

    it('should answer a synchronous call on its own rrpc topic at QoS 0, its id the message id, once for duplicates', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const call = raw(rrpcTopic('1234'), bytes(0x09));
        const rrpc = hot('a-a-b', { a: call, b: raw(rrpcTopic('1235'), bytes(0x0a)) });
        const { device: d, sent } = device(NEVER, rrpc);
        const asked: (string | undefined)[] = [];
        // Text is the answer as it is, not an iterable of characters.
        const served$ = createRawData(d).serve((request) => {
          asked.push(request.messageId);
          return `ack ${request.payload[0]}`;
        });
        expectObservable(served$).toBe('a---b', {
          a: { _tag: 'Answered', topic: rrpcTopic('1234'), id: '1234', latencyMs: 0 },
          b: { _tag: 'Answered', topic: rrpcTopic('1235'), id: '1235', latencyMs: 0 },
        });
        scheduler.flush();
        expect(asked).toEqual(['1234', '1235']);
        expect(sent).toEqual([
          { topic: rrpcTopic('1234'), payload: 'ack 9', qos: 0 },
          { topic: rrpcTopic('1235'), payload: 'ack 10', qos: 0 },
        ]);
      });
    });

    it('should send nothing for a handler that fails or completes empty, and report each Failed with its code', () => {
      scheduler.run(({ hot, cold, expectObservable }) => {
        const downRaw = hot('a-b-c-d', {
          a: raw(topics.downRaw, bytes(1)),
          b: raw(topics.downRaw, bytes(2)),
          c: raw(topics.downRaw, bytes(3)),
          d: raw(topics.downRaw, bytes(4)),
        });
        const { device: d, sent } = device(downRaw);
        const busy = new ReplyError(100001, 'motor busy');
        const served$ = createRawData(d).serve(({ payload }) => {
          if (payload[0] === 1) throw new Error('boom');
          if (payload[0] === 2) return throwError(() => busy);
          if (payload[0] === 3) return cold('-|');
          // Bytes returned as they are are the answer (to RxJS, an iterable of numbers).
          return bytes(0x04);
        });
        expectObservable(served$).toBe('a-b--cd', {
          a: expect.objectContaining({ _tag: 'Failed', id: '1', code: 400, message: 'boom' }) as ServeOutcome,
          b: {
            _tag: 'Failed',
            topic: topics.downRaw,
            id: '2',
            code: 100001,
            message: 'motor busy',
            cause: busy,
            latencyMs: 0,
          },
          c: {
            _tag: 'Failed',
            topic: topics.downRaw,
            id: '3',
            code: 400,
            message: expect.stringContaining('without a reply') as unknown as string,
            cause: expect.any(Error) as unknown as Error,
            latencyMs: 1,
          },
          d: { _tag: 'Answered', topic: topics.downRaw, id: '4', latencyMs: 0 },
        });
        scheduler.flush();
        expect(sent).toEqual([{ topic: topics.downRawReply, payload: bytes(0x04), qos: 1 }]);
      });
    });

    it('should send nothing after the 8 s deadline, or deadlineMs, and let the handler go', () => {
      scheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const slow = cold('10s (x|)', { x: 'too late' });
        const slower = cold('10s (x|)', { x: 'too late' });
        const { device: d, sent } = device(
          hot('a', { a: raw(topics.downRaw, bytes(1)) }),
          hot('a', { a: raw(rrpcTopic('77'), bytes(2)) }),
        );
        const rawData = createRawData(d);
        expectObservable(rawData.serve(() => slow)).toBe('8s (ab)', {
          a: { _tag: 'Late', topic: topics.downRaw, id: '1', deadlineMs: 8000 },
          b: { _tag: 'Late', topic: rrpcTopic('77'), id: '77', deadlineMs: 8000 },
        });
        expectObservable(rawData.serve(() => slower, { deadlineMs: 3000 })).toBe('3s (ab)', {
          a: { _tag: 'Late', topic: topics.downRaw, id: '1', deadlineMs: 3000 },
          b: { _tag: 'Late', topic: rrpcTopic('77'), id: '77', deadlineMs: 3000 },
        });
        expectSubscriptions(slow.subscriptions).toBe(['^ 7999ms !', '^ 7999ms !']);
        expectSubscriptions(slower.subscriptions).toBe(['^ 2999ms !', '^ 2999ms !']);
        scheduler.flush();
        expect(sent).toEqual([]);
      });
    });

    it('should answer at the QoS asked, over RRPC and on down_raw_reply alike', () => {
      scheduler.run(({ hot, expectObservable }) => {
        const { device: d, sent } = device(
          hot('a', { a: raw(topics.downRaw, bytes(1)) }),
          hot('-a', { a: raw(rrpcTopic('5'), bytes(2)) }),
        );
        expectObservable(createRawData(d).serve(() => 'x', { qos: 1 })).toBe('ab', {
          a: expect.objectContaining({ _tag: 'Answered' }) as ServeOutcome,
          b: expect.objectContaining({ _tag: 'Answered' }) as ServeOutcome,
        });
        scheduler.flush();
        expect(sent.map((m) => [m.topic, m.qos])).toEqual([
          [topics.downRawReply, 1],
          [rrpcTopic('5'), 1],
        ]);
      });
    });
  });
});
