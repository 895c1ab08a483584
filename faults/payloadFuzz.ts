// Fuzzed payloads from another client, through mosquitto, into a device's decodeJson pipeline: each must
// come out as a value (Right or a DecodeError Left), and the pipeline must live to decode the last one.
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import mqtt from 'mqtt';
import { createDevice } from '../lib/device';
import { decodeJson } from '../lib/operators/decodeJson';
import { echoTopic, testDevice } from '../spec/support/testBrokers';
import { mustHold, int, killableMosquitto, ms, reached, report, Tally, until } from './support';

const Reading = t.type({
  id: t.number,
  values: t.array(t.number),
  unit: t.union([t.literal('C'), t.literal('F')]),
});

/** A seeded generator (mulberry32): the same run fuzzes the same payloads. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind =
  'valid' | 'wrong shape' | 'invalid JSON' | 'invalid UTF-8' | 'deep nesting' | 'random bytes' | 'empty';
const KINDS: readonly Kind[] = [
  'valid',
  'wrong shape',
  'invalid JSON',
  'invalid UTF-8',
  'deep nesting',
  'random bytes',
  'empty',
];

function payloadOf(kind: Kind, random: () => number): Buffer {
  const n = (max: number) => Math.floor(random() * max);
  const values = Array.from({ length: n(20) }, () => random() * 100);
  switch (kind) {
    case 'valid':
      return Buffer.from(JSON.stringify({ id: n(1e6), values, unit: random() < 0.5 ? 'C' : 'F' }));
    case 'wrong shape':
      return Buffer.from(
        JSON.stringify([{ id: String(n(1e6)), values: values.map(String), unit: 'K' }, null, 1e308 * 10]),
      );
    case 'invalid JSON': {
      const text = JSON.stringify({ id: n(1e6), values });
      return Buffer.from(text.slice(0, 1 + n(text.length - 1)) + '\u0000{');
    }
    case 'invalid UTF-8':
      return Buffer.concat([Buffer.from('{"id":'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('1}')]);
    case 'deep nesting': {
      const depth = 1000 + n(49_000);
      return Buffer.from('['.repeat(depth) + (random() < 0.5 ? '1' : '') + ']'.repeat(depth));
    }
    case 'random bytes':
      return Buffer.from(Array.from({ length: 1 + n(2048) }, () => n(256)));
    case 'empty':
      return Buffer.alloc(0);
  }
}

/** A DecodeError's first line, as the kind of problem it names. */
function problemOf(line: string): string {
  if (line.includes('not valid UTF-8')) return 'not UTF-8';
  if (line.includes('not valid JSON')) return 'not JSON';
  if (line.startsWith('at ')) return 'not a Reading';
  return line.slice(0, 60);
}

export async function payloadFuzz(count: number): Promise<void> {
  const mosquitto = await killableMosquitto();
  const topic = echoTopic('faults-fuzz');
  const device = createDevice({ ...testDevice, endpoint: { url: mosquitto.url } });
  const sender = mqtt.connect(mosquitto.url, { clientId: 'faults-fuzzer', reconnectPeriod: 0 });
  try {
    let received = 0;
    let right = 0;
    const lefts = new Tally();
    let streamErrors = 0;
    let lastId: number | undefined;
    device
      .observe(topic, { qos: 1 })
      .pipe(decodeJson(Reading))
      .subscribe({
        next: (decoded) => {
          received += 1;
          if (E.isRight(decoded)) {
            right += 1;
            lastId = decoded.right.value.id;
          } else lefts.add(problemOf(decoded.left.messages[0] ?? ''));
        },
        error: () => (streamErrors += 1),
      });
    device.start();
    await reached(device.state$, 'connected');
    if (!sender.connected) await new Promise<void>((resolve) => sender.once('connect', () => resolve()));

    const random = seeded(14);
    const sent = new Tally();
    const startedAt = Date.now();
    for (let i = 0; i < count; i += 100) {
      const batch: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(count, i + 100); j++) {
        const kind = KINDS[Math.floor(random() * KINDS.length)] as Kind;
        sent.add(kind);
        batch.push(sender.publishAsync(topic, payloadOf(kind, random), { qos: 1 }));
      }
      await Promise.all(batch);
    }
    // One valid message last: the pipeline must still be alive to decode it.
    await sender.publishAsync(topic, JSON.stringify({ id: -1, values: [], unit: 'C' }), { qos: 1 });
    await until(() => received === count + 1, 60_000);
    mustHold(streamErrors === 0 && lastId === -1, 'fuzz: the decodeJson pipeline died');
    mustHold(received === count + 1, `fuzz: ${received} of ${count + 1} payloads came through`);
    report(`Payload fuzz through decodeJson over the wire (mosquitto): ${int(count)} payloads, seed 14`, [
      ['sent by kind', sent.toString()],
      ['received', `${int(received)} of ${int(count + 1)} in ${ms(Date.now() - startedAt)}`],
      ['decoded (Right)', int(right)],
      ['DecodeError (Left), by first problem', `${int(lefts.total)} (${lefts.toString()})`],
      ['stream errors', int(streamErrors)],
      ['the last message decoded', lastId === -1 ? 'yes' : 'no'],
    ]);
  } finally {
    sender.end(true);
    await device.close();
    await mosquitto.close();
  }
}
