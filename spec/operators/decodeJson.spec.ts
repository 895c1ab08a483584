import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  decodeJson,
  decodePayload,
  type Decoded,
  type DecodeError,
  type PayloadMessage,
} from '../../lib/operators/decodeJson';

const Reading = t.type({ id: t.string, params: t.type({ temperature: t.number }) });
type Reading = t.TypeOf<typeof Reading>;

const topic = '/sys/a1TestPK001/dev01/thing/event/property/post';
const bytes = (text: string) => new TextEncoder().encode(text);
const messagesOf = (result: E.Either<DecodeError, unknown>) => (E.isLeft(result) ? result.left.messages : []);

describe('decodePayload', () => {
  it.each`
    case                    | payload                                                     | value
    ${'text'}               | ${'{"id":"1","params":{"temperature":21.5}}'}               | ${{ id: '1', params: { temperature: 21.5 } }}
    ${'UTF-8 bytes'}        | ${bytes('{"id":"1","params":{"temperature":21.5}}')}        | ${{ id: '1', params: { temperature: 21.5 } }}
    ${'a Buffer'}           | ${Buffer.from('{"id":"温度","params":{"temperature":-3}}')} | ${{ id: '温度', params: { temperature: -3 } }}
    ${'bytes after a BOM'}  | ${bytes('\uFEFF{"id":"bom","params":{"temperature":0}}')}   | ${{ id: 'bom', params: { temperature: 0 } }}
    ${'padded, with extra'} | ${' {"id":"1","params":{"temperature":1},"extra":true} \n'} | ${{ id: '1', params: { temperature: 1 }, extra: true }}
  `('should decode $case', ({ payload, value }) => {
    const message = { topic, payload };
    expect(decodePayload(Reading, message)).toEqual(E.right({ value, message }));
  });

  it.each`
    case                 | payload                                        | messages
    ${'a wrong type'}    | ${'{"id":"1","params":{"temperature":"hot"}}'} | ${['at params.temperature: expected number, got "hot"']}
    ${'a missing field'} | ${'{"params":{"temperature":1}}'}              | ${['at id: expected string, got undefined']}
    ${'two problems'}    | ${'{"id":7,"params":{}}'}                      | ${['at id: expected string, got 7', 'at params.temperature: expected number, got undefined']}
    ${'the wrong root'}  | ${'[1,2]'}                                     | ${['at (root): expected { id: string, params: { temperature: number } }, got [1,2]']}
    ${'null'}            | ${'null'}                                      | ${['at (root): expected { id: string, params: { temperature: number } }, got null']}
    ${'invalid UTF-8'}   | ${new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])}    | ${['payload is not valid UTF-8 (4 bytes)']}
  `('should explain $case', ({ payload, messages }) => {
    expect(decodePayload(Reading, { topic, payload })).toEqual(
      E.left({ _tag: 'DecodeError', topic, messages }),
    );
  });

  it.each`
    case                  | payload            | preview
    ${'plain text'}       | ${'hello world'}   | ${'"hello world"'}
    ${'an empty payload'} | ${''}              | ${'""'}
    ${'truncated JSON'}   | ${bytes('{"id":')} | ${'"{\\"id\\":"'}
    ${'a newline'}        | ${'a\nb'}          | ${'"a\\nb"'}
  `('should say $case is not valid JSON, with a preview', ({ payload, preview }) => {
    const messages = messagesOf(decodePayload(Reading, { topic, payload }));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^payload is not valid JSON \([^\n]+\): /);
    expect(messages[0]?.endsWith(`: ${preview}`)).toBe(true);
  });

  it('should cut previews to 100 characters', () => {
    const secretish = 'x'.repeat(500);
    const [notJson] = messagesOf(decodePayload(Reading, { topic, payload: secretish }));
    const [wrongType] = messagesOf(decodePayload(Reading, { topic, payload: JSON.stringify([secretish]) }));

    expect(notJson).toMatch(/: "x{99}…$/);
    expect(wrongType).toBe(`at (root): expected ${Reading.name}, got ["${'x'.repeat(98)}…`);
  });

  it.each`
    quoted | outcome             | text              | preview
    ${100} | ${'whole'}          | ${'x'.repeat(98)} | ${`"${'x'.repeat(98)}"`}
    ${101} | ${'cut to 100 + …'} | ${'x'.repeat(99)} | ${`"${'x'.repeat(99)}…`}
  `('should show a $quoted-character preview $outcome', ({ text, preview }) => {
    const [notJson] = messagesOf(decodePayload(Reading, { topic, payload: text }));
    expect(notJson?.endsWith(`: ${preview}`)).toBe(true);
  });

  it("should keep a codec's own message", () => {
    const Even = new t.Type<number, number, unknown>(
      'Even',
      (u): u is number => typeof u === 'number' && u % 2 === 0,
      (u, c) => (typeof u === 'number' && u % 2 === 0 ? t.success(u) : t.failure(u, c, 'must be even')),
      t.identity,
    );

    expect(decodePayload(Even, { topic, payload: '3' })).toEqual(
      E.left({ _tag: 'DecodeError', topic, messages: ['must be even'] }),
    );
  });

  it('should hand back the very message it decoded', () => {
    const message = { topic, payload: '{"id":"1","params":{"temperature":1}}', qos: 1 as const };
    const result = decodePayload(Reading, message);

    expect(E.isRight(result) && result.right.message).toBe(message);
  });
});

describe('decodeJson', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should turn a bad message into a left and go on decoding the next ones', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const good1 = { topic, payload: bytes('{"id":"1","params":{"temperature":20}}') };
      const bad = { topic: '/broken', payload: bytes('{"id":"2","params":') };
      const good3 = { topic, payload: '{"id":"3","params":{"temperature":22}}' };
      const wrong = { topic, payload: '{"id":"4","params":{"temperature":null}}' };

      const source = cold('  -a-b-c-d-|', { a: good1, b: bad, c: good3, d: wrong });
      const subs = '         ^--------!';
      const expected = '     -A-B-C-D-|';

      expectObservable(source.pipe(decodeJson(Reading))).toBe(expected, {
        A: E.right({ value: { id: '1', params: { temperature: 20 } }, message: good1 }),
        B: E.left({
          _tag: 'DecodeError',
          topic: '/broken',
          messages: [expect.stringMatching(/^payload is not valid JSON/)],
        }),
        C: E.right({ value: { id: '3', params: { temperature: 22 } }, message: good3 }),
        D: E.left({
          _tag: 'DecodeError',
          topic,
          messages: ['at params.temperature: expected number, got null'],
        }),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should pass errors and completion through', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<PayloadMessage>('--#', undefined, 'socket closed');
      const expected = '                   --#';

      expectObservable(source.pipe(decodeJson(Reading))).toBe(expected, undefined, 'socket closed');
    });
  });

  it('should keep the message type, with its extra fields, on the right', () => {
    const classified = of({
      topic,
      payload: '{"id":"1","params":{"temperature":1}}',
      params: { deviceName: 'dev01' },
    });
    const decoded: Observable<E.Either<DecodeError, Decoded<Reading, { params: { deviceName: string } }>>> =
      classified.pipe(decodeJson(Reading));
    const deviceNames: string[] = [];
    decoded.subscribe(
      (result) => E.isRight(result) && deviceNames.push(result.right.message.params.deviceName),
    );

    expect(deviceNames).toEqual(['dev01']);
    // @ts-expect-error a message needs a topic and a payload
    of({ payload: '{}' }).pipe(decodeJson(Reading));
    const fromString = new t.Type<number, string, string>(
      'FromString',
      t.number.is,
      (s) => t.success(+s),
      String,
    );
    // @ts-expect-error the codec must accept unknown input: parsed JSON is not known to be a string
    decodeJson(fromString);
  });
});
