import * as E from 'fp-ts/Either';
import { map, NEVER } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { postNetworkStatus } from '../../lib/alink/postNetworkStatus';
import type { InboundMessage } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

const reading = { rssi: -52, snr: 20, per: 1, errStats: '10,02,01', time: Date.UTC(2026, 11, 3) };
const sentJson = (payload: unknown) => JSON.parse(String(payload)) as { id: string; params: unknown };

describe('postNetworkStatus', () => {
  it('should send one reading as now and several as history, as the docs write them, with no method', () => {
    const { device, sent, calls } = fakeAlinkDevice({ observed: () => NEVER });
    postNetworkStatus(device, reading).subscribe().unsubscribe();
    postNetworkStatus(device, [reading, { rssi: -60, snr: 9, per: 3 }], { now: () => 7 })
      .subscribe()
      .unsubscribe();
    expect(calls).toEqual([
      `observe ${topics.diagPostReply} qos 1`,
      `publish ${topics.diagPost}`,
      `observe ${topics.diagPostReply} qos 1`,
      `publish ${topics.diagPost}`,
    ]);
    const [now, history] = sent.map((m) => sentJson(m.payload));
    expect(now).toEqual({
      id: expect.stringMatching(/^\d+$/),
      version: '1.0',
      params: {
        p: { wifi: { rssi: -52, snr: 20, per: 1, err_stats: '10,02,01' }, _time: reading.time },
        model: 'quantity=single|format=simple|time=now',
      },
    });
    expect(history?.params).toEqual({
      p: [
        { wifi: { rssi: -52, snr: 20, per: 1, err_stats: '10,02,01' }, _time: reading.time },
        { wifi: { rssi: -60, snr: 9, per: 3 }, _time: 7 },
      ],
      model: 'format=simple|quantity=batch|time=history',
    });
  });

  it('should emit the reply with its id as one Either, a refusal and a timeout as failures', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable }) => {
        const answering = (code: number) => {
          const replies: Record<string, InboundMessage> = {};
          const fake = fakeAlinkDevice({
            // The reply carries the id the request was sent with, known once it is published.
            observed: () => cold('--r').pipe(map(() => replies['r'] as InboundMessage)),
            published: (message) => {
              const { id } = sentJson(message.payload);
              replies['r'] = inbound(topics.diagPostReply, { id, code, data: {}, message: 'm' });
              return cold('(p|)', { p: { topic: message.topic, qos: 1, bytes: 1 } });
            },
          });
          return fake.device;
        };
        const ok = postNetworkStatus(answering(200), reading);
        expectObservable(ok).toBe('--(a|)', { a: E.right(expect.objectContaining({ code: 200 })) });
        const refused = postNetworkStatus(answering(460), reading);
        expectObservable(refused).toBe('--(a|)', {
          a: E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 460, topic: topics.diagPost })),
        });
        const silent = fakeAlinkDevice({ observed: () => NEVER }).device;
        expectObservable(postNetworkStatus(silent, reading, { timeoutMs: 50 })).toBe('50ms (a|)', {
          a: E.left(expect.objectContaining({ _tag: 'TimeoutFailure' })),
        });
      },
    );
  });

  it.each<[string, () => unknown]>([
    ['no reading', () => postNetworkStatus(fakeAlinkDevice().device, [])],
    [
      'an rssi that is no number',
      () => postNetworkStatus(fakeAlinkDevice().device, { ...reading, rssi: Number.NaN }),
    ],
    [
      'a time that is no time',
      () => postNetworkStatus(fakeAlinkDevice().device, { ...reading, time: Number.NaN }),
    ],
  ])('should refuse %s with a RangeError at the call', (_, call) => {
    expect(call).toThrow(RangeError);
  });
});
