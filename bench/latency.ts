// Latency benchmark: a device publishes a small QoS 0 message every few milliseconds, each from a timer of
// its own (a job of its own, as telemetry or a reply is), and the broker's side notes when each arrives;
// and a device posts properties at QoS 1 one at a time, each once the reply to the one before is in
// (post, PUBACK, post_reply); both against raw MQTT.js doing the same on the same broker, in the same run.
// Run alone with `npm run bench -- --only latency`.
import * as E from 'fp-ts/Either';
import mqtt from 'mqtt';
import { filter, firstValueFrom } from 'rxjs';
import { createThing } from '../lib/alink/createThing';
import { createDevice } from '../lib/device';
import { startEmulator, type Emulator } from '../lib/emulator';
import { mqttCredentials } from '../lib/identity/mqttCredentials';
import { testDevice } from '../spec/support/testBrokers';

/** Publish-to-broker latency of one client, in milliseconds, over every measured publish. */
export interface LatencyFigures {
  readonly median: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyResult {
  readonly publishes: number;
  readonly intervalMs: number;
  readonly ours: LatencyFigures;
  readonly raw: LatencyFigures;
  /** QoS 1 property posts, one at a time: from the publish until the reply is in, per client. */
  readonly roundTrip: {
    readonly posts: number;
    readonly ours: LatencyFigures;
    readonly raw: LatencyFigures;
  };
}

export interface LatencyConfig {
  /** Publishes per client and round. Default: 200. */
  readonly publishes?: number;
  /** Milliseconds between two publishes. Default: 2 (well inside Linux's 40 ms delayed ACK). */
  readonly intervalMs?: number;
  /** Rounds; each runs both clients, in turn. Default: 3. */
  readonly rounds?: number;
  /** Property posts per client and round, one at a time. Default: 100. */
  readonly posts?: number;
}

const { productKey, deviceName } = testDevice;
const TOPIC = `/sys/${productKey}/${deviceName}/thing/event/property/post`;
const POST_REPLY = `${TOPIC}_reply`;

type Publish = (payload: string) => void;

/** Publishes `count` numbered payloads `intervalMs` apart; the latency of each, from `arrivals`. */
async function measure(
  emulator: Emulator,
  publish: Publish,
  count: number,
  intervalMs: number,
): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const arrivals = emulator.received$.subscribe((message) => {
    const sent = sentAt.get(message.payload.toString());
    if (sent !== undefined) latencies.push(performance.now() - sent);
  });
  try {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      sentAt.set(String(i), performance.now());
      publish(String(i));
    }
    // QoS 0 has no answer: wait for the last arrival, or give up after a second.
    const until = performance.now() + 1000;
    while (latencies.length < count && performance.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 5));
  } finally {
    arrivals.unsubscribe();
  }
  if (latencies.length < count) throw new Error(`${count - latencies.length} of ${count} publishes lost`);
  return latencies;
}

async function ours(emulator: Emulator, count: number, intervalMs: number): Promise<number[]> {
  const device = createDevice({ ...testDevice, endpoint: { url: emulator.url }, reconnect: false });
  device.start();
  await firstValueFrom(device.state$.pipe(filter((state) => state.status === 'connected')));
  try {
    return await measure(
      emulator,
      (payload) => device.publish({ topic: TOPIC, payload, qos: 0 }).subscribe({ error: () => undefined }),
      count,
      intervalMs,
    );
  } finally {
    await device.close();
  }
}

async function raw(emulator: Emulator, count: number, intervalMs: number): Promise<number[]> {
  const client = await mqtt.connectAsync(emulator.url, {
    ...mqttCredentials(testDevice),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    return await measure(
      emulator,
      (payload) => client.publish(TOPIC, payload, { qos: 0 }),
      count,
      intervalMs,
    );
  } finally {
    await client.endAsync();
  }
}

/** Ours: `postProperties` at QoS 1 (its default), the next once the reply is in. */
async function oursRoundTrips(emulator: Emulator, count: number): Promise<number[]> {
  const device = createDevice({ ...testDevice, endpoint: { url: emulator.url }, reconnect: false });
  device.start();
  await firstValueFrom(device.state$.pipe(filter((state) => state.status === 'connected')));
  const thing = createThing(device);
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const sent = performance.now();
      const reply = await firstValueFrom(thing.postProperties({ temp: i }));
      if (E.isLeft(reply)) throw new Error(`post ${i} failed: ${JSON.stringify(reply.left)}`);
      times.push(performance.now() - sent);
    }
    return times;
  } finally {
    await device.close();
  }
}

/** Raw MQTT.js: subscribe the reply topic, publish each post at QoS 1, wait for the reply with its id. */
async function rawRoundTrips(emulator: Emulator, count: number): Promise<number[]> {
  const client = await mqtt.connectAsync(emulator.url, {
    ...mqttCredentials(testDevice),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    await client.subscribeAsync(POST_REPLY, { qos: 1 });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = String(i + 1);
      const replied = new Promise<void>((resolve, reject) => {
        const onMessage = (_topic: string, payload: Buffer) => {
          const reply = JSON.parse(payload.toString()) as { id?: string; code?: number };
          if (reply.id !== id) return;
          client.removeListener('message', onMessage);
          if (reply.code === 200) resolve();
          else reject(new Error(`post ${id} answered ${String(reply.code)}`));
        };
        client.on('message', onMessage);
      });
      const post = { id, version: '1.0', params: { temp: i }, method: 'thing.event.property.post' };
      const sent = performance.now();
      client.publish(TOPIC, JSON.stringify(post), { qos: 1 });
      await replied;
      times.push(performance.now() - sent);
    }
    return times;
  } finally {
    await client.endAsync();
  }
}

function figures(latencies: readonly number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
  return { median: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] as number };
}

/** Both clients against one emulator (in this process), taking turns each round. */
export async function runLatencyBench(
  log: (line: string) => void,
  config: LatencyConfig = {},
): Promise<LatencyResult> {
  const publishes = config.publishes ?? 200;
  const intervalMs = config.intervalMs ?? 2;
  const rounds = config.rounds ?? 3;
  const posts = config.posts ?? 100;
  log(
    `QoS 0, one publish every ${intervalMs} ms from a timer, ${publishes} per client and round, ${rounds} rounds`,
  );
  const emulator = await startEmulator({
    products: [{ productKey, devices: [{ deviceName, deviceSecret: testDevice.deviceSecret }] }],
  });
  const all = { ours: [] as number[], raw: [] as number[] };
  const trips = { ours: [] as number[], raw: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const);
      for (const client of order) {
        const latencies = await (client === 'ours' ? ours : raw)(emulator, publishes, intervalMs);
        const f = figures(latencies);
        log(`round ${round + 1} ${client}: median ${f.median.toFixed(2)} ms, max ${f.max.toFixed(2)} ms`);
        all[client].push(...latencies);
      }
    }
    log(`QoS 1 property posts, one at a time, each until its reply: ${posts} per client and round`);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const);
      for (const client of order) {
        const times = await (client === 'ours' ? oursRoundTrips : rawRoundTrips)(emulator, posts);
        const f = figures(times);
        log(`round ${round + 1} ${client}: median ${f.median.toFixed(2)} ms, max ${f.max.toFixed(2)} ms`);
        trips[client].push(...times);
      }
    }
  } finally {
    await emulator.close();
  }
  return {
    publishes,
    intervalMs,
    ours: figures(all.ours),
    raw: figures(all.raw),
    roundTrip: { posts, ours: figures(trips.ours), raw: figures(trips.raw) },
  };
}
