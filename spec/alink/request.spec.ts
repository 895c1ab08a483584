import * as E from 'fp-ts/Either';
import { EMPTY, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { AlinkDevice } from '../../lib/alink/AlinkDevice';
import { alinkNotify, alinkReplyTo, alinkRequest, request } from '../../lib/alink/request';
import { DeviceClosedError, PublishTimeoutError, SubscribeRefusedError } from '../../lib/connection/errors';
import type { InboundMessage, OutboundMessage, PublishReceipt } from '../../lib/connection/messages';
import { deviceTopics } from '../../lib/identity/deviceTopics';

const identity = { productKey: 'pk', deviceName: 'dn' };
const topics = deviceTopics(identity);
const POST = topics.propertyPost;
const POST_REPLY = topics.propertyPostReply;

const inbound = (payload: unknown, topic = POST_REPLY): InboundMessage => ({
  topic,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  qos: 1,
  retain: false,
  dup: false,
});
const receipt: PublishReceipt = { topic: POST, qos: 1, packetId: 1, bytes: 10 };

/** A device whose broker side the test writes in marbles; it records what the request does, in order. */
function fakeDevice(replies: Observable<InboundMessage>, published: Observable<PublishReceipt>) {
  const calls: string[] = [];
  const sent: OutboundMessage[] = [];
  const device: AlinkDevice = {
    ...identity,
    topics,
    state$: EMPTY,
    messages$: EMPTY,
    observe: (filter, options) => {
      calls.push(`observe ${filter} qos ${options?.qos ?? 0}`);
      return replies;
    },
    publish: (message) => {
      calls.push(`publish ${message.topic}`);
      sent.push(message);
      return published;
    },
  };
  return { device, calls, sent };
}

const sentId = (sent: readonly OutboundMessage[]): string =>
  (JSON.parse(String(sent[0]?.payload)) as { id: string }).id;

describe('alinkRequest', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const post = (device: AlinkDevice, timeoutMs = 10) =>
    alinkRequest(
      device,
      { topic: POST, method: 'thing.event.property.post', params: { temp: 21.5 } },
      { id: '42', timeoutMs },
    );

  it('should observe the reply topic first, then publish the envelope, and emit the reply with code 200', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const replies = hot('  ---a--b--', {
        a: inbound({ id: '41', code: 200 }),
        b: inbound({
          id: '42',
          code: 200,
          data: {},
          message: 'success',
          method: 'thing.event.property.post',
        }),
      });
      const published = cold('-(r|)', { r: receipt });
      const { device, calls, sent } = fakeDevice(replies, published);
      expectObservable(post(device)).toBe('------(b|)', {
        b: E.right({
          id: '42',
          code: 200,
          data: {},
          message: 'success',
          method: 'thing.event.property.post',
        }),
      });
      expectSubscriptions(replies.subscriptions).toBe('^-----!');
      expectSubscriptions(published.subscriptions).toBe('^!');
      testScheduler.flush();
      expect(calls).toEqual([`observe ${POST_REPLY} qos 1`, `publish ${POST}`]);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.qos).toBe(1);
      expect(JSON.parse(String(sent[0]?.payload))).toEqual({
        id: '42',
        version: '1.0',
        sys: { ack: 1 },
        params: { temp: 21.5 },
        method: 'thing.event.property.post',
      });
    });
  });

  it('should give a reply with another code as a ReplyFailure with the code and message', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const replies = hot('--a', { a: inbound({ id: 42, code: '6813', message: 'topic illegal' }) });
      const { device } = fakeDevice(replies, cold('(r|)', { r: receipt }));
      expectObservable(post(device)).toBe('--(a|)', {
        a: E.left({ _tag: 'ReplyFailure', topic: POST, id: '42', code: 6813, message: 'topic illegal' }),
      });
    });
  });

  it('should time out with a TimeoutFailure, counted from the subscription, and let go of both sides', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const replies = hot('-----------a', { a: inbound({ id: '42', code: 200 }) });
      // A QoS 1 publish still waiting for its PUBACK when the deadline passes.
      const published = cold('-----------------(r|)', { r: receipt });
      const { device } = fakeDevice(replies, published);
      expectObservable(post(device, 10)).toBe('----------(t|)', {
        t: E.left({ _tag: 'TimeoutFailure', topic: POST, id: '42', timeoutMs: 10 }),
      });
      expectSubscriptions(replies.subscriptions).toBe('^---------!');
      expectSubscriptions(published.subscriptions).toBe('^---------!');
    });
  });

  it('should forget the request when unsubscribed: no reply is waited for, the publish is let go', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const replies = hot('-----a', { a: inbound({ id: '42', code: 200 }) });
      const published = cold('---------(r|)', { r: receipt });
      const { device } = fakeDevice(replies, published);
      expectObservable(post(device), '--!').toBe('---');
      expectSubscriptions(replies.subscriptions).toBe('^-!');
      expectSubscriptions(published.subscriptions).toBe('^-!');
    });
  });

  it('should take a reply that comes before the PUBACK', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const replies = hot('--a', { a: inbound({ id: '42', code: 200 }) });
      const published = cold('----(r|)', { r: receipt });
      const { device } = fakeDevice(replies, published);
      expectObservable(post(device)).toBe('--(a|)', { a: E.right({ id: '42', code: 200 }) });
      expectSubscriptions(published.subscriptions).toBe('^-!');
    });
  });

  it("should take the reply that comes after a reconnect, the publish's resend included", () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      // The PUBACK comes late (the publish went out again after the reconnect); then the reply.
      const replies = hot('--------a', { a: inbound({ id: '42', code: 200 }) });
      const published = cold('------(r|)', { r: receipt });
      const { device } = fakeDevice(replies, published);
      expectObservable(post(device)).toBe('--------(a|)', { a: E.right({ id: '42', code: 200 }) });
    });
  });

  it('should pass over other ids and payloads without our id, and report a malformed reply to ours', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const replies = hot('-a-b-c', {
        a: inbound('not json'),
        b: inbound({ id: '7', code: 'x' }),
        c: inbound({ id: '42', code: 'x' }),
      });
      const { device } = fakeDevice(replies, cold('(r|)', { r: receipt }));
      expectObservable(post(device)).toBe('-----(c|)', {
        c: E.left({
          _tag: 'DecodeError',
          topic: POST_REPLY,
          messages: [expect.stringContaining('"x"') as unknown as string],
        }),
      });
    });
  });

  it('should give a failed publish as a PublishFailure', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const error = new PublishTimeoutError(POST, 5);
      const { device } = fakeDevice(hot('-'), cold('---#', undefined, error));
      expectObservable(post(device)).toBe('---(f|)', {
        f: E.left({ _tag: 'PublishFailure', topic: POST, error }),
      });
    });
  });

  it('should give a refused reply subscription as a SubscribeFailure', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const error = new SubscribeRefusedError(POST_REPLY, 0x80);
      const { device } = fakeDevice(hot('-#', undefined, error), cold('(r|)', { r: receipt }));
      expectObservable(post(device)).toBe('-(f|)', {
        f: E.left({ _tag: 'SubscribeFailure', filter: POST_REPLY, error }),
      });
    });
  });

  it('should end with a PublishFailure when the device closes before the reply', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      // On close, observers complete; the publish was written before.
      const { device } = fakeDevice(hot('---|'), cold('-(r|)', { r: receipt }));
      expectObservable(post(device)).toBe('---(f|)', {
        f: E.left({
          _tag: 'PublishFailure',
          topic: POST,
          error: expect.any(DeviceClosedError) as unknown as Error,
        }),
      });
    });
  });

  it("should draw a fresh id from the device's sequence for every subscription", () => {
    testScheduler.run(({ hot, cold }) => {
      const { device, sent } = fakeDevice(hot('-'), cold('(r|)', { r: receipt }));
      const request$ = alinkRequest(device, { topic: POST, method: 'm', params: {} }, { timeoutMs: 1 });
      request$.subscribe();
      request$.subscribe();
      testScheduler.flush();
      const ids = sent.map((m) => (JSON.parse(String(m.payload)) as { id: string }).id);
      expect(ids).toHaveLength(2);
      expect(ids[0]).not.toBe(ids[1]);
      expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
    });
  });

  it('should send to a reply topic of its own when told', () => {
    testScheduler.run(({ hot, cold }) => {
      const { device, calls, sent } = fakeDevice(hot('-'), cold('(r|)', { r: receipt }));
      alinkRequest(
        device,
        {
          topic: topics.otaFirmwareGet,
          method: 'thing.ota.firmware.get',
          params: {},
          replyTopic: '/x/reply',
        },
        { timeoutMs: 1, qos: 0 },
      ).subscribe();
      testScheduler.flush();
      expect(calls).toEqual(['observe /x/reply qos 1', `publish ${topics.otaFirmwareGet}`]);
      expect(sent[0]?.qos).toBe(0);
      expect(sentId(sent)).toMatch(/^\d+$/);
    });
  });
});

describe('alinkNotify', () => {
  it('should publish with ack 0 and emit the receipt, waiting for no reply', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ hot, cold, expectObservable }) => {
        const { device, calls, sent } = fakeDevice(hot('-'), cold('-(r|)', { r: receipt }));
        expectObservable(
          alinkNotify(
            device,
            { topic: POST, method: 'thing.event.property.post', params: { a: 1 } },
            { id: '3' },
          ),
        ).toBe('-(r|)', { r: E.right(receipt) });
        expect(calls).toEqual([]);
        new TestScheduler(() => undefined).flush();
        expect(sent).toEqual([]);
      },
    );
  });
});

describe('request', () => {
  it('should correlate as the spec says, for a payload that is not Alink (NTP)', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ hot, cold, expectObservable }) => {
        const replies = hot('--a-b', {
          a: inbound({ deviceSendTime: '1' }, topics.ntpResponse),
          b: inbound({ deviceSendTime: '2', serverRecvTime: 5 }, topics.ntpResponse),
        });
        const { device } = fakeDevice(replies, cold('(r|)', { r: receipt }));
        const ntp$ = request(device, {
          message: { topic: topics.ntpRequest, payload: { deviceSendTime: '2' } },
          replyFilter: topics.ntpResponse,
          reply: (m) => {
            const body = JSON.parse(m.payload.toString()) as { deviceSendTime: string };
            return body.deviceSendTime === '2' ? E.right(body) : undefined;
          },
          timeoutMs: 100,
        });
        expectObservable(ntp$).toBe('----(b|)', { b: E.right({ deviceSendTime: '2', serverRecvTime: 5 }) });
      },
    );
  });
});

describe('alinkReplyTo', () => {
  const replyTo = alinkReplyTo('9', POST);

  it.each<[string, unknown, unknown]>([
    ['a success', { id: '9', code: 200, data: { a: 1 } }, E.right({ id: '9', code: 200, data: { a: 1 } })],
    ['another id', { id: '10', code: 200 }, undefined],
    [
      'a failure code',
      { id: 9, code: 460 },
      E.left({ _tag: 'ReplyFailure', topic: POST, id: '9', code: 460 }),
    ],
    ['text that is not JSON', 'hello', undefined],
    ['JSON without an id', { code: 200 }, undefined],
  ])('should take %s', (_, payload, expected) => {
    expect(replyTo(inbound(payload))).toEqual(expected);
  });
});
