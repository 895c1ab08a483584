import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { filter, firstValueFrom, from, map, of, take, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  decodeJson,
  decodePayload,
  type Decoded,
  type DecodeError,
  type PayloadMessage,
} from '../../lib/operators/decodeJson';
import { createDevice } from '../../lib/device';
import { startEmulator } from '../../lib/emulator';

const Reading = t.type({ id: t.string, params: t.type({ temperature: t.number }) });
type Reading = t.TypeOf<typeof Reading>;

const topic = '/sys/a1TestPK001/dev01/thing/event/property/post';
/** Arrays nested `depth` deep: JSON.parse reads them, but anything that recurses over them can overflow the stack. */
const nested = (depth: number, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);
type Tree = readonly Tree[];
const Tree: t.Type<Tree> = t.recursion('Tree', () => t.readonlyArray(Tree));
const Throwing = new t.Type<never, never, unknown>(
  'Throwing',
  (_u): _u is never => false,
  () => {
    throw new Error('codec\nbroke');
  },
  t.identity,
);
/** What every problem must be: one readable line, short. */
const isReadable = (line: unknown) =>
  typeof line === 'string' && line.length > 0 && line.length <= 400 && !/\n/.test(line);
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

  it('should not show a secret of the value it could not decode', () => {
    const Registered = t.array(t.type({ deviceName: t.string, deviceSecret: t.string }));
    // Not a list: the failure shows the whole value.
    const payload = JSON.stringify({
      productKey: 'pk',
      deviceSecret: 'TOPSECRET',
      token: { deviceToken: 'T2' },
    });
    const decoded = decodePayload(Registered, { topic: '/t', payload });
    if (E.isRight(decoded)) throw new Error('decoded');
    expect(decoded.left.messages.join(' ')).toContain('[redacted]');
    expect(decoded.left.messages.join(' ')).not.toMatch(/TOPSECRET|T2/);
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

  it.each`
    case                                       | codec       | payload                         | messages
    ${'a value nested too deep to show'}       | ${t.string} | ${Buffer.from(nested(100_000))} | ${['at (root): expected string, got a value that cannot be shown (nested deeper than 64 levels)']}
    ${'a value nested too deep for the codec'} | ${Tree}     | ${nested(100_000, '1')}         | ${['payload could not be decoded as Tree (Maximum call stack size exceeded)']}
    ${'a codec that throws'}                   | ${Throwing} | ${'{}'}                         | ${['payload could not be decoded as Throwing (codec broke)']}
  `('should explain $case, never throw', ({ codec, payload, messages }) => {
    expect(decodePayload(codec as t.Decoder<unknown, unknown>, { topic, payload })).toEqual(
      E.left({ _tag: 'DecodeError', topic, messages }),
    );
  });

  it('should cut the path of a deep value to a preview', () => {
    const [problem] = messagesOf(decodePayload(Tree, { topic, payload: nested(1000, '1') }));
    expect(problem).toBe(`at ${'0.'.repeat(50)}…: expected Tree, got 1`);
  });

  it('should show what a codec fails with when JSON cannot show it', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const failsWith = (value: unknown) =>
      new t.Type<never, never, unknown>(
        'Odd',
        (_u): _u is never => false,
        (_, c) => t.failure(value, c),
        t.identity,
      );
    expect(messagesOf(decodePayload(failsWith(cyclic), { topic, payload: '1' }))).toEqual([
      expect.stringMatching(
        /^at \(root\): expected Odd, got a value that cannot be shown \(Converting circular/,
      ),
    ]);
    expect(messagesOf(decodePayload(failsWith(10n), { topic, payload: '1' }))).toEqual([
      'at (root): expected Odd, got a value that cannot be shown (Do not know how to serialize a BigInt)',
    ]);
  });

  const unreadable = Object.defineProperty({ topic }, 'payload', {
    get: () => {
      throw new Error('gone');
    },
  });
  it.each`
    case                      | message
    ${'null'}                 | ${null}
    ${'a number as payload'}  | ${{ topic, payload: 42 }}
    ${'no payload'}           | ${{ topic }}
    ${'a getter that throws'} | ${unreadable}
  `('should explain $case as a value, never throw', ({ message }) => {
    const result = decodePayload(Reading, message as PayloadMessage);
    expect(result).toEqual(
      E.left({ _tag: 'DecodeError', topic: expect.any(String), messages: [expect.any(String)] }),
    );
    expect(messagesOf(result).every(isReadable)).toBe(true);
  });

  it('should give every payload a value, one per message in order: a right, or a readable left', () => {
    const payloads = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.json({ maxDepth: 8 }),
      fc.integer({ min: 0, max: 12_000 }).map((depth) => nested(depth)),
      fc.integer({ min: 0, max: 12_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
      fc.tuple(fc.json(), fc.integer({ min: 0, max: 50 })).map(([json, cut]) => json.slice(0, cut)),
    );
    const codecs = fc.constantFrom<t.Decoder<unknown, unknown>>(Reading, t.string, t.unknown, Tree, Throwing);
    fc.assert(
      fc.property(fc.array(payloads, { minLength: 1, maxLength: 4 }), codecs, (batch, codec) => {
        const messages = batch.map((payload) => ({ topic, payload }));
        let results: E.Either<DecodeError, Decoded<unknown, PayloadMessage>>[] = [];
        from(messages)
          .pipe(decodeJson(codec), toArray())
          .subscribe({ next: (all) => (results = all), error: (error) => fail(error) });

        expect(results).toHaveLength(messages.length);
        results.forEach((result, i) => {
          if (E.isRight(result)) {
            expect(result.right.message).toBe(messages[i]);
            expect(codec).not.toBe(Throwing);
          } else {
            expect(result.left._tag).toBe('DecodeError');
            expect(result.left.topic).toBe(topic);
            expect(result.left.messages.length).toBeGreaterThan(0);
            expect(result.left.messages.every(isReadable)).toBe(true);
          }
        });
      }),
      { numRuns: 60 },
    );
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

describe('decodeJson over the wire', () => {
  const device = { productKey: 'a1TestPK001', deviceName: 'dev01', deviceSecret: 'fuzz-secret' };
  const products = [
    { productKey: device.productKey, devices: [{ deviceName: 'dev01', deviceSecret: 'fuzz-secret' }] },
  ];

  it('should outlive a poisonous payload: later messages on the same observer still arrive', async () => {
    const emulator = await startEmulator({ products });
    const d = createDevice({ ...device, endpoint: { url: emulator.url } });
    try {
      const broadcast = `/broadcast/${device.productKey}/fuzz`;
      const results = firstValueFrom(
        d.observe(broadcast).pipe(
          decodeJson(t.type({ n: t.number })),
          take(4),
          map((result) => (E.isRight(result) ? result.right.value.n : result.left.messages.join(' '))),
          toArray(),
        ),
      );
      const subscribed = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'subscribe')));
      d.start();
      await subscribed;
      await emulator.publish(broadcast, Buffer.from(nested(100_000)), { qos: 1 });
      await emulator.publish(broadcast, Buffer.from(nested(10_000, '1')), { qos: 1 });
      await emulator.publish(broadcast, { n: 1 }, { qos: 1 });
      await emulator.publish(broadcast, Buffer.from([0xff, 0xfe]), { qos: 1 });

      expect(await results).toEqual([
        expect.stringMatching(/^at \(root\): expected \{ n: number \}, got a value that cannot be shown/),
        expect.stringMatching(/^at \(root\): expected \{ n: number \}, got a value that cannot be shown/),
        1,
        'payload is not valid UTF-8 (2 bytes)',
      ]);
    } finally {
      await d.close();
      await emulator.close();
    }
  });
});
