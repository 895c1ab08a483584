import * as E from 'fp-ts/Either';
import { AlinkReply, alinkReply, AlinkRequest, alinkRequest, replyTopicOf } from '../../lib/protocol';

describe('AlinkRequest', () => {
  it.each<[string, unknown, unknown]>([
    [
      'a request as the platform sends it',
      {
        id: '123',
        version: '1.0',
        sys: { ack: 1 },
        params: { Power: 'on' },
        method: 'thing.service.property.set',
      },
      {
        id: '123',
        version: '1.0',
        sys: { ack: 1 },
        params: { Power: 'on' },
        method: 'thing.service.property.set',
      },
    ],
    ['a numeric id, as a string', { id: 42, params: {} }, { id: '42', params: {} }],
    [
      'ack as a string or boolean',
      { id: '1', params: [], sys: { ack: '0' } },
      { id: '1', params: [], sys: { ack: 0 } },
    ],
    ['ack true', { id: '1', params: null, sys: { ack: true } }, { id: '1', params: null, sys: { ack: 1 } }],
    ['missing params', { id: '7', method: 'm' }, { id: '7', method: 'm' }],
  ])('should decode %s', (_, input, expected) => {
    expect(AlinkRequest.decode(input)).toEqual(E.right(expected));
  });

  it.each<[string, unknown]>([
    ['no id', { params: {} }],
    ['an id that is not digits', { id: 'abc', params: {} }],
    ['a negative id', { id: -1, params: {} }],
    ['a fractional id', { id: 1.5, params: {} }],
    ['an ack of 2', { id: '1', params: {}, sys: { ack: 2 } }],
    ['not an object', 'hello'],
  ])('should refuse %s', (_, input) => {
    expect(E.isLeft(AlinkRequest.decode(input))).toBe(true);
  });
});

describe('AlinkReply', () => {
  it.each<[string, unknown, unknown]>([
    [
      "the cloud's reply",
      {
        code: 200,
        data: {},
        id: '123',
        message: 'success',
        method: 'thing.event.property.post',
        version: '1.0',
      },
      {
        code: 200,
        data: {},
        id: '123',
        message: 'success',
        method: 'thing.event.property.post',
        version: '1.0',
      },
    ],
    ["a device's reply", { id: '5', code: 200, data: { x: 1 } }, { id: '5', code: 200, data: { x: 1 } }],
    ['a code as a string', { id: 5, code: '460' }, { id: '5', code: 460 }],
  ])('should decode %s', (_, input, expected) => {
    expect(AlinkReply.decode(input)).toEqual(E.right(expected));
  });

  it.each<[string, unknown]>([
    ['no code', { id: '1' }],
    ['a code that is not a number', { id: '1', code: 'ok' }],
    ['an empty code', { id: '1', code: '' }],
    ['a message that is not a string', { id: '1', code: 200, message: 3 }],
  ])('should refuse %s', (_, input) => {
    expect(E.isLeft(AlinkReply.decode(input))).toBe(true);
  });
});

describe('alinkRequest', () => {
  it('should build the envelope of PROTOCOL.md §4, asking for a reply by default', () => {
    expect(alinkRequest({ id: '123', method: 'thing.event.property.post', params: { temp: 21 } })).toEqual({
      id: '123',
      version: '1.0',
      sys: { ack: 1 },
      params: { temp: 21 },
      method: 'thing.event.property.post',
    });
  });

  it('should say ack 0 when no reply is wanted', () => {
    expect(alinkRequest({ id: '1', method: 'm', params: {}, ack: false }).sys).toEqual({ ack: 0 });
  });

  it('should decode what it builds', () => {
    const payload = alinkRequest({ id: '4294967295', method: 'm', params: [1, 2], version: '2.0' });
    expect(AlinkRequest.decode(JSON.parse(JSON.stringify(payload)))).toEqual(E.right(payload));
  });
});

describe('alinkReply', () => {
  it("should build a device's reply with an empty data by default", () => {
    expect(alinkReply({ id: '9' })).toEqual({ id: '9', code: 200, data: {} });
  });

  it("should build the cloud's reply with what it is given", () => {
    expect(
      alinkReply({ id: '9', code: 460, data: { a: 1 }, message: 'bad', method: 'm', version: '1.0' }),
    ).toEqual({ id: '9', code: 460, data: { a: 1 }, message: 'bad', method: 'm', version: '1.0' });
  });
});

describe('replyTopicOf', () => {
  it('should append _reply', () => {
    expect(replyTopicOf('/sys/pk/dn/thing/event/property/post')).toBe(
      '/sys/pk/dn/thing/event/property/post_reply',
    );
  });
});
