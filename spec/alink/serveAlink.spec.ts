import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isEchoOfReply, readAlinkRequest, serveAlink } from '../../lib/alink/serveAlink';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';

const SERVICE = '/sys/pk/dn/thing/service/reboot';
const inbound = (payload: unknown, topic = SERVICE): InboundMessage => ({
  topic,
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  qos: 1,
  retain: false,
  dup: false,
});

describe('isEchoOfReply', () => {
  it.each<[string, string, unknown, boolean]>([
    ['a _reply topic', `${SERVICE}_reply`, { id: '1', params: {} }, true],
    ['a device reply on the request topic', SERVICE, { id: '1', code: 200, data: {} }, true],
    ['a request', SERVICE, { id: '1', params: {}, method: 'thing.service.reboot' }, false],
    ['a request with a code among its fields', SERVICE, { id: '1', code: 1, params: {} }, false],
    ['text', SERVICE, 'hello', false],
  ])('should tell %s', (_, topic, json, expected) => {
    expect(isEchoOfReply(topic, json)).toBe(expected);
  });
});

describe('readAlinkRequest', () => {
  const read = readAlinkRequest(t.type({ delay: t.number }));

  it.each<[string, unknown, unknown]>([
    [
      'a request, with a numeric id as a string',
      { id: 12, version: '1.0', params: { delay: 3 }, method: 'thing.service.reboot' },
      E.right(expect.objectContaining({ topic: SERVICE, id: '12', params: { delay: 3 } })),
    ],
    [
      'bad params, with the id to answer',
      { id: '5', params: { delay: 'soon' } },
      E.left(
        expect.objectContaining({
          id: '5',
          error: {
            _tag: 'DecodeError',
            topic: SERVICE,
            messages: ['at params.delay: expected number, got "soon"'],
          },
        }),
      ),
    ],
    ['an echo of a reply', { id: '5', code: 200, data: {} }, undefined],
    [
      'a payload without an id',
      { params: { delay: 1 } },
      E.left(expect.not.objectContaining({ id: expect.anything() as unknown })),
    ],
  ])('should read %s', (_, payload, expected) => {
    expect(read(inbound(payload))).toEqual(expected);
  });
});

describe('serveAlink', () => {
  it('should reply {id, code, data} on the reply topic of each request, at the QoS asked for', () => {
    const sent: OutboundMessage[] = [];
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ hot, expectObservable }) => {
        const requests = hot('a', {
          a: inbound({ id: '3', params: { delay: 2 }, method: 'thing.service.reboot' }),
        });
        const served$ = serveAlink(
          { publish: (m) => (sent.push(m), of({ topic: m.topic, qos: 0, bytes: 1 })) },
          {
            requests,
            params: t.type({ delay: t.number }),
            replyTopic: (topic) => `${topic}_reply`,
            handler: ({ params }) => of({ rebootingIn: params.delay }),
            qos: 0,
          },
        );
        expectObservable(served$).toBe('a', {
          a: { _tag: 'Answered', topic: SERVICE, id: '3', latencyMs: 0 },
        });
      },
    );
    expect(sent).toEqual([
      {
        topic: `${SERVICE}_reply`,
        payload: JSON.stringify({ id: '3', code: 200, data: { rebootingIn: 2 } }),
        qos: 0,
      },
    ]);
  });
});
