// Thing-model benchmark: property posts that go round trip through the emulator (the post, the emulator's
// reply on post_reply, the result correlated by id), 1,000 in flight, against raw MQTT.js correlating ids by
// hand, in the same run; and the heap a pending post holds, with 10,000 pending, against the raw client's
// pending map. Run alone with `npm run bench -- --only thing`.
import * as E from 'fp-ts/Either';
import mqtt, { type MqttClient } from 'mqtt';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { filter, firstValueFrom, type Subscription } from 'rxjs';
import { createThing } from '../lib/alink/createThing';
import { createDevice } from '../lib/device';
import { startEmulator } from '../lib/emulator';
import { mqttCredentials } from '../lib/identity/mqttCredentials';
import { hasMosquitto, Mosquitto } from '../spec/support/mosquitto';
import { testDevice } from '../spec/support/testBrokers';
import { Pump, type Run } from './endToEnd';

export interface ThingBenchConfig {
  /** Posts per run. Default: 10,000. */
  readonly posts?: number;
  /** Posts sent and not yet answered, at most. Default: 1,000. */
  readonly window?: number;
  /** Unmeasured rounds first (the clients rotate as in the measured ones). Default: 2. */
  readonly warmupRounds?: number;
  /** Default: 7. */
  readonly rounds?: number;
  /** Pending posts for the heap figure. Default: 10,000. */
  readonly pending?: number;
}

/** `ours`: `createThing(device).postProperties`; `raw`: MQTT.js and a Map of ids; `control`: raw again. */
export type ThingClient = 'ours' | 'raw' | 'control';
const CLIENTS: readonly ThingClient[] = ['ours', 'raw', 'control'];

export interface ThingResult {
  readonly posts: number;
  readonly window: number;
  readonly median: Readonly<Record<ThingClient, Run>>;
  readonly runs: Readonly<Record<ThingClient, readonly Run[]>>;
  /** Heap retained per pending post (bytes), ours and raw; undefined without mosquitto. */
  readonly heap?: {
    readonly pending: number;
    readonly oursPerPending: number;
    readonly rawPerPending: number;
    /** What ours still holds per post once every one was unsubscribed and the reply topic let go. */
    readonly oursLeftPerPending: number;
  };
}

const { productKey, deviceName } = testDevice;
const POST = `/sys/${productKey}/${deviceName}/thing/event/property/post`;
const POST_REPLY = `${POST}_reply`;
const PRODUCTS = [{ productKey, devices: [{ deviceName, deviceSecret: testDevice.deviceSecret }] }];
const PARAMS = { temp: 21.5 };
/** The post the raw client sends, as the thing does. */
const rawPost = (id: string) =>
  JSON.stringify({
    id,
    version: '1.0',
    sys: { ack: 1 },
    params: PARAMS,
    method: 'thing.event.property.post',
  });

function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

interface Session {
  measure(pump: Pump): Promise<number>;
  close(): Promise<void>;
}

const rawOptions = () => ({
  ...mqttCredentials(testDevice),
  keepalive: 60,
  clean: true,
  protocolVersion: 4 as const,
  reconnectPeriod: 0,
});

/**
 * Raw MQTT.js doing what a thing does, by hand: subscribe the reply topic, publish each post with its own id
 * at QoS 1, and settle a post when a reply with its id comes (a Map from id to the post's callback).
 */
async function rawSession(url: string): Promise<Session> {
  const client: MqttClient = await mqtt.connectAsync(url, rawOptions());
  await client.subscribeAsync(POST_REPLY, { qos: 1 });
  const pending = new Map<string, () => void>();
  client.on('message', (_topic, payload) => {
    const reply = JSON.parse(payload.toString()) as { id: string; code: number };
    const settle = pending.get(reply.id);
    if (settle === undefined || reply.code !== 200) return;
    pending.delete(reply.id);
    settle();
  });
  let next = 1;
  return {
    measure(pump) {
      return pump.run(() => {
        const id = String(next++);
        pending.set(id, pump.onReceived);
        client.publish(POST, rawPost(id), { qos: 1 }, (error) => error && pump.fail(error));
      });
    },
    close: () => client.endAsync(),
  };
}

/** Ours: one `postProperties` per post, its one `Either` settles it. */
async function oursSession(url: string): Promise<Session> {
  const device = createDevice({ ...testDevice, endpoint: { url }, reconnect: false });
  device.start();
  await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
  const thing = createThing(device);
  // One post first, so that the shared reply subscription is in place (it lingers between runs of posts).
  await firstValueFrom(thing.postProperties(PARAMS));
  return {
    measure(pump) {
      const settle = (result: E.Either<{ _tag: string }, unknown>) =>
        E.isRight(result) ? pump.onReceived() : pump.fail(new Error(result.left._tag));
      return pump.run(() => thing.postProperties(PARAMS).subscribe(settle));
    },
    close: () => device.close(),
  };
}

async function runOnce(client: ThingClient, url: string, posts: number, window: number): Promise<Run> {
  const session = client === 'ours' ? await oursSession(url) : await rawSession(url);
  try {
    const cpu = process.cpuUsage();
    // QoS 0 for the pump: a post is settled by its reply alone (its PUBACK is not waited for separately).
    const ms = await session.measure(new Pump(posts, window, 0, 15_000));
    const { user, system } = process.cpuUsage(cpu);
    return { perSecond: (posts / ms) * 1000, cpuMicros: (user + system) / posts };
  } finally {
    await session.close();
  }
}

/** Resolves when `count` messages on POST have reached mosquitto: then every publish was acknowledged. */
async function postsArrived(
  url: string,
  count: number,
): Promise<{ arrived: Promise<void>; close: () => Promise<void> }> {
  const watcher = await mqtt.connectAsync(url, { clientId: 'bench-watcher', reconnectPeriod: 0 });
  await watcher.subscribeAsync(POST, { qos: 0 });
  let seen = 0;
  const arrived = new Promise<void>((resolve) =>
    watcher.on('message', () => {
      if (++seen === count) resolve();
    }),
  );
  return { arrived, close: () => watcher.endAsync() };
}

/** Heap per pending post: mosquitto acknowledges the posts and never answers them. */
async function heapPerPending(pending: number, log: (line: string) => void): Promise<ThingResult['heap']> {
  if (!hasMosquitto()) {
    log('heap per pending post: skipped, mosquitto is not on the PATH (apt-get install -y mosquitto)');
    return undefined;
  }
  const gc = gcFunction();
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const mosquitto = await Mosquitto.start({ packetLog: false });
  try {
    // Ours: 10,000 posts waiting for a reply (10 minutes' timeout each), after their PUBACKs.
    const device = createDevice({ ...testDevice, endpoint: { url: mosquitto.url }, reconnect: false });
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));
    const thing = createThing(device, { timeoutMs: 600_000, lingerMs: 0 });
    let watcher = await postsArrived(mosquitto.url, pending);
    const subscriptions: (Subscription | null)[] = new Array<Subscription | null>(pending).fill(null);
    const before = heap();
    for (let i = 0; i < pending; i++) subscriptions[i] = thing.postProperties(PARAMS).subscribe();
    await watcher.arrived;
    const oursPerPending = (heap() - before) / pending;
    for (const subscription of subscriptions) subscription?.unsubscribe();
    subscriptions.fill(null);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const oursLeftPerPending = (heap() - before) / pending;
    await watcher.close();
    await device.close();

    // Raw: the same posts, each a Map entry with its callback and a timer for its timeout.
    const client = await mqtt.connectAsync(mosquitto.url, rawOptions());
    await client.subscribeAsync(POST_REPLY, { qos: 1 });
    watcher = await postsArrived(mosquitto.url, pending);
    const waiting = new Map<string, { settle: () => void; timer: NodeJS.Timeout }>();
    const rawBefore = heap();
    for (let i = 0; i < pending; i++) {
      const id = String(i + 1);
      const timer = setTimeout(() => waiting.delete(id), 600_000);
      waiting.set(id, { settle: () => waiting.delete(id), timer });
      client.publish(POST, rawPost(id), { qos: 1 });
    }
    await watcher.arrived;
    const rawPerPending = (heap() - rawBefore) / pending;
    for (const { timer } of waiting.values()) clearTimeout(timer);
    waiting.clear();
    await watcher.close();
    await client.endAsync();
    log(
      `${pending.toLocaleString('en')} pending posts (mosquitto, after their PUBACKs): ours ${Math.round(oursPerPending)} B each, ` +
        `raw ${Math.round(rawPerPending)} B each; ours left after unsubscribing: ${Math.round(oursLeftPerPending)} B each`,
    );
    return { pending, oursPerPending, rawPerPending, oursLeftPerPending };
  } finally {
    await mosquitto.close();
  }
}

export async function runThingBench(
  log: (line: string) => void,
  config: ThingBenchConfig = {},
): Promise<ThingResult> {
  const { posts = 10_000, window = 1000, warmupRounds = 2, rounds = 7, pending = 10_000 } = config;
  log(
    `property posts through the emulator (post -> its post_reply -> the result by id), ${posts.toLocaleString('en')} per run, ` +
      `${window} in flight, ${warmupRounds} warm-up rounds then ${rounds} (clients in rotating order)`,
  );
  const runs: Record<ThingClient, Run[]> = { ours: [], raw: [], control: [] };
  const emulator = await startEmulator({ products: PRODUCTS });
  try {
    for (let round = 0; round < warmupRounds + rounds; round++) {
      for (let i = 0; i < CLIENTS.length; i++) {
        const client = CLIENTS[(i + round) % CLIENTS.length] as ThingClient;
        const run = await runOnce(client, emulator.url, posts, window);
        if (round >= warmupRounds) runs[client].push(run);
      }
    }
  } finally {
    await emulator.close();
  }
  const medianOf = (client: ThingClient): Run => ({
    perSecond: median(runs[client].map((r) => r.perSecond)),
    cpuMicros: median(runs[client].map((r) => r.cpuMicros)),
  });
  for (const client of CLIENTS) {
    log(
      `${client}: ${runs[client].map((r) => `${Math.round(r.perSecond)}/s ${r.cpuMicros.toFixed(1)}us`).join(', ')}`,
    );
  }
  const heap = await heapPerPending(pending, log);
  return {
    posts,
    window,
    median: { ours: medianOf('ours'), raw: medianOf('raw'), control: medianOf('control') },
    runs,
    ...(heap === undefined ? {} : { heap }),
  };
}
