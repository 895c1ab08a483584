// End-to-end benchmark: a device publishes to a topic it observes itself, through a broker and back, on one
// connection; against raw MQTT.js doing the same, on the same broker, in the same run. Brokers: the emulator
// (aedes, in this process) and a real mosquitto (its own process). Run alone with
// `npm run bench -- --only e2e`.
import * as E from 'fp-ts/Either';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { Subject, type Observer } from 'rxjs';
import { createDevice } from '../lib/device';
import { startEmulator } from '../lib/emulator';
import { mqttJsLog } from '../lib/connection/mqttJsPort';
import { mqttCredentials } from '../lib/identity/mqttCredentials';
import type { OutboundMessage } from '../lib/connection/messages';
import type { PublishResult } from '../lib/connection/createConnection';
import { hasMosquitto, Mosquitto } from '../spec/support/mosquitto';
import { testDevice } from '../spec/support/testBrokers';

/** How a run is shaped; identical for every client. */
export interface EndToEndConfig {
  /** Messages per run, by QoS. Default: 20,000 at QoS 0, 10,000 at QoS 1 (0.2–0.5 s a run on 2 cores, 2026-12-02). */
  readonly messages?: { readonly 0: number; readonly 1: number };
  /** Published but not yet settled (received back, and at QoS 1 also acknowledged), at most. Default: 1,000. */
  readonly window?: number;
  /**
   * Rounds run first and not counted, rotating like the measured ones, so that no client meets in its first
   * measured run code paths the others changed (with one warm-up run per client, in a fixed order, ours'
   * first measured run on the emulator at QoS 0 was 8–13% below its median, in 3 runs of 3). Default: 2.
   */
  readonly warmupRounds?: number;
  /** Measured rounds after the warm-up rounds; each round runs every client once. Default: 9. */
  readonly rounds?: number;
  /** A run that makes no progress for this long fails (a lost message would otherwise hang). Default: 15,000. */
  readonly stallMs?: number;
  /** Which clients, brokers and QoS to run, e.g. one client alone under `--cpu-prof`. Default: all. */
  readonly clients?: readonly Client[];
  readonly brokers?: readonly Broker[];
  readonly qos?: readonly (0 | 1)[];
}

export type Broker = 'emulator' | 'mosquitto';
/**
 * Which client a figure is for. `control` is raw MQTT.js again, in a slot of its own: `control/raw` is what
 * the ratio of two identical clients comes to in this run, the bench's own noise.
 */
export type Client = 'ours' | 'oursAll' | 'raw' | 'control';
/**
 * The order the clients take turns in (rotated each round). A client that follows a different one pays for
 * what that one changed in V8's optimized code (MQTT.js, the streams, aedes): each raw client follows one
 * of ours, and each of ours follows a raw one, so that they all pay alike. (With `control` right after
 * `raw`, `control/raw` came out at 1.00–1.04.)
 */
export const CLIENTS: readonly Client[] = ['ours', 'raw', 'oursAll', 'control'];

/** One timed run: wall-clock rate, and this process's CPU time (user + system) per message. */
export interface Run {
  readonly perSecond: number;
  readonly cpuMicros: number;
}

/** The medians of each client that ran, on one broker at one QoS, and every measured run. */
export interface EndToEndResult {
  readonly broker: Broker;
  readonly qos: 0 | 1;
  readonly messages: number;
  readonly median: Readonly<Partial<Record<Client, Run>>>;
  readonly runs: Readonly<Partial<Record<Client, readonly Run[]>>>;
}

const { productKey, deviceName } = testDevice;
// A custom topic of a class with publish and subscribe rights, so that the broker brings the device's own
// publishes back to it (the emulator with forwardDevicePublishes; a device may not subscribe to a topic it
// only publishes on, such as property/post).
const TOPIC = `/${productKey}/${deviceName}/user/bench`;
/** First byte of the one message that tells a client its subscription is in place. */
const PROBE = 0x70; // 'p'
const PAYLOAD = Buffer.from(
  `{"id":"1","version":"1.0","params":{"temp":21.5},"method":"thing.e"}`.slice(0, 64),
);
const PROBE_PAYLOAD = Buffer.from('probe');
export const PRODUCTS = [
  {
    productKey,
    devices: [{ deviceName, deviceSecret: testDevice.deviceSecret }],
    topicClasses: [{ topic: 'user/bench', access: 'all' } as const],
  },
];

/**
 * Publishes `total` messages, at most `window` unsettled at a time, and resolves with the milliseconds from
 * the first publish until every message is back (and, at QoS 1, acknowledged). The client calls `onReceived`
 * and `onAcked` as they come. Both sides of the comparison use this same pump.
 */
export class Pump {
  private sent = 0;
  private received = 0;
  private acked = 0;
  private filling = false;
  private startedAt = 0;
  private lastProgress = 0;
  private settle: { resolve: (ms: number) => void; reject: (error: Error) => void } | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private send: () => void = () => {};

  constructor(
    private readonly total: number,
    private readonly window: number,
    private readonly qos: 0 | 1,
    private readonly stallMs: number,
  ) {}

  /** `send` publishes one message. */
  run(send: () => void): Promise<number> {
    this.send = send;
    return new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.startedAt = this.lastProgress = performance.now();
      // A bench-side watchdog, outside the timed path: it only reads a timestamp the callbacks write.
      this.watchdog = setInterval(() => {
        if (performance.now() - this.lastProgress > this.stallMs) {
          this.fail(new Error(`stalled: ${this.sent} sent, ${this.received} received, ${this.acked} acked`));
        }
      }, 1000);
      this.fill();
    });
  }

  readonly onReceived = (): void => {
    this.received += 1;
    this.progress();
  };

  readonly onAcked = (): void => {
    this.acked += 1;
    this.progress();
  };

  readonly fail = (error: Error): void => {
    clearInterval(this.watchdog);
    this.settle?.reject(error);
    this.settle = undefined;
  };

  private progress(): void {
    if (this.received < this.total || (this.qos === 1 && this.acked < this.total)) return this.fill();
    const ms = performance.now() - this.startedAt;
    clearInterval(this.watchdog);
    this.settle?.resolve(ms);
    this.settle = undefined;
  }

  private fill(): void {
    // A publish may call back synchronously; the outer loop picks up whatever that settled.
    if (this.filling) return;
    this.filling = true;
    this.lastProgress = performance.now();
    const settled = this.qos === 1 ? Math.min(this.received, this.acked) : this.received;
    let free = Math.min(this.window - (this.sent - settled), this.total - this.sent);
    while (free > 0) {
      this.sent += 1;
      free -= 1;
      this.send();
    }
    this.filling = false;
  }
}

/** One connection of one client, subscribed and ready: `measure` runs the pump, `close` disconnects. */
export interface Session {
  measure(pump: Pump): Promise<number>;
  close(): Promise<void>;
}

/**
 * The options our device gives MQTT.js (`lib/connection/mqttJsPort.ts`), for the raw client: with them both
 * do the same protocol work, and the same MQTT.js work. That includes the no-op `log` the device gives
 * MQTT.js while `mqttjs:client` is off: with MQTT.js's default log instead, raw cost 2-3 us a message more on
 * the emulator at QoS 1 (ours/raw 1.06-1.17 against it, 0.98-1.02 against raw with the no-op, 3 processes,
 * 2026-12-02), a setting any MQTT.js user can make, not the library's work.
 */
function rawOptions(): IClientOptions {
  return {
    log: mqttJsLog(),
    ...mqttCredentials(testDevice),
    keepalive: 60,
    clean: true,
    connectTimeout: 30_000,
    protocolVersion: 4,
    reconnectPeriod: 0,
    resubscribe: false,
    queueQoSZero: false,
  };
}

/** Raw MQTT.js: one client, `subscribe`, `publish` with a callback, a 'message' listener. */
export async function rawSession(url: string, qos: 0 | 1): Promise<Session> {
  const client: MqttClient = await mqtt.connectAsync(url, rawOptions());
  await client.subscribeAsync(TOPIC, { qos });
  let pump: Pump | undefined;
  client.on('message', (_topic, payload) => {
    if (payload[0] !== PROBE) pump?.onReceived();
  });
  const options = { qos };
  return {
    measure(current) {
      pump = current;
      const onPublished = (error?: Error) => (error ? current.fail(error) : current.onAcked());
      return current.run(() => client.publish(TOPIC, PAYLOAD, options, onPublished));
    },
    close: () => client.endAsync(),
  };
}

/**
 * Our device: `observe` the topic, then `publish` (`stream` false) or `publishAll` over a Subject of commands
 * (`stream` true), made by `make` (another build's `createDevice`, for `compareBuilds`). The observer is
 * subscribed before `start()`: the device sends its publishes only once the
 * SUBACK is in, so the probe's arrival proves the subscription.
 */
export async function oursSession(
  url: string,
  qos: 0 | 1,
  stream: boolean,
  readyMs: number,
  make: typeof createDevice = createDevice,
): Promise<Session> {
  const device = make({ ...testDevice, endpoint: { url }, reconnect: false });
  let pump: Pump | undefined;
  let probed: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (probed = resolve));
  const observing = device.observe(TOPIC, { qos }).subscribe((message) => {
    if (message.payload[0] === PROBE) probed();
    else pump?.onReceived();
  });
  const commands = new Subject<OutboundMessage>();
  const results = commands.pipe(device.publishAll()).subscribe((result: PublishResult) => {
    if (E.isRight(result)) pump?.onAcked();
    else pump?.fail(result.left.error);
  });
  device.start();
  commands.next({ topic: TOPIC, payload: PROBE_PAYLOAD, qos: 1 });
  let timeout: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timeout = setTimeout(
      () => reject(new Error(`the probe did not come back within ${readyMs} ms`)),
      readyMs,
    );
  });
  try {
    await Promise.race([arrived, late]);
  } catch (error) {
    await device.close();
    throw error;
  } finally {
    clearTimeout(timeout);
  }
  const message: OutboundMessage = { topic: TOPIC, payload: PAYLOAD, qos };
  return {
    measure(current) {
      pump = current;
      if (stream) return current.run(() => commands.next(message));
      const receipt: Partial<Observer<unknown>> = { next: current.onAcked, error: current.fail };
      return current.run(() => device.publish(message).subscribe(receipt));
    },
    async close() {
      commands.complete();
      results.unsubscribe();
      observing.unsubscribe();
      await device.close();
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

type Settings = Required<Omit<EndToEndConfig, 'messages'>> & Pick<Required<EndToEndConfig>, 'messages'>;

/** One connection, one timed run; clients take turns, so that the emulator never sees two logins at once. */
async function runOnce(client: Client, url: string, qos: 0 | 1, settings: Settings): Promise<Run> {
  const total = settings.messages[qos];
  const session =
    client === 'raw' || client === 'control'
      ? await rawSession(url, qos)
      : await oursSession(url, qos, client === 'oursAll', settings.stallMs);
  return timedRun(session, new Pump(total, settings.window, qos, settings.stallMs), total);
}

/** Runs `pump` on `session` (`total` messages): rate and this process's CPU per message; then closes it. */
export async function timedRun(session: Session, pump: Pump, total: number): Promise<Run> {
  try {
    const cpu = process.cpuUsage();
    const ms = await session.measure(pump);
    const { user, system } = process.cpuUsage(cpu);
    return { perSecond: (total / ms) * 1000, cpuMicros: (user + system) / total };
  } finally {
    await session.close();
  }
}

async function benchBroker(
  broker: Broker,
  url: string,
  settings: Settings,
  log: (line: string) => void,
): Promise<EndToEndResult[]> {
  const results: EndToEndResult[] = [];
  const clients = settings.clients;
  for (const qos of settings.qos) {
    const runs: Partial<Record<Client, Run[]>> = {};
    const warmups = settings.warmupRounds;
    for (let round = 0; round < warmups + settings.rounds; round++) {
      // Rotate the order each round so that no client always runs first or last.
      for (let i = 0; i < clients.length; i++) {
        const client = clients[(i + round) % clients.length] as Client;
        const run = await runOnce(client, url, qos, settings);
        if (round >= warmups) (runs[client] ??= []).push(run);
      }
    }
    const medians: Partial<Record<Client, Run>> = {};
    for (const client of clients) {
      const all = runs[client] ?? [];
      medians[client] = {
        perSecond: median(all.map((run) => run.perSecond)),
        cpuMicros: median(all.map((run) => run.cpuMicros)),
      };
      log(
        `${broker} QoS${qos} x${settings.messages[qos]} ${client}: ` +
          all.map((run) => `${Math.round(run.perSecond)}/s ${run.cpuMicros.toFixed(1)}us`).join(', '),
      );
    }
    results.push({ broker, qos, messages: settings.messages[qos], runs, median: medians });
  }
  return results;
}

/** Runs every broker and QoS; a broker that cannot run here (mosquitto not installed) is logged and skipped. */
export async function runEndToEndBench(
  log: (line: string) => void,
  config: EndToEndConfig = {},
): Promise<EndToEndResult[]> {
  const settings: Settings = {
    messages: config.messages ?? { 0: 20_000, 1: 10_000 },
    window: config.window ?? 1000,
    warmupRounds: config.warmupRounds ?? 2,
    rounds: config.rounds ?? 9,
    stallMs: config.stallMs ?? 15_000,
    clients: config.clients ?? CLIENTS,
    brokers: config.brokers ?? ['emulator', 'mosquitto'],
    qos: config.qos ?? [0, 1],
  };
  log(
    `payload ${PAYLOAD.length} B, window ${settings.window}, ${settings.warmupRounds} warm-up rounds then ` +
      `${settings.rounds} rounds ` +
      `(clients in rotating order), one connection at a time; per run: msg/s (wall) and CPU us/msg (this process)`,
  );
  return benchBrokers(settings, log);
}

async function benchBrokers(settings: Settings, log: (line: string) => void): Promise<EndToEndResult[]> {
  const results: EndToEndResult[] = [];
  if (settings.brokers.includes('emulator')) {
    const emulator = await startEmulator({ products: PRODUCTS, forwardDevicePublishes: true });
    try {
      results.push(...(await benchBroker('emulator', emulator.url, settings, log)));
    } finally {
      await emulator.close();
    }
  }
  if (!settings.brokers.includes('mosquitto')) return results;
  if (!hasMosquitto()) {
    log('mosquitto: skipped, not on the PATH (apt-get install -y mosquitto)');
    return results;
  }
  const mosquitto = await Mosquitto.start({ packetLog: false });
  try {
    results.push(...(await benchBroker('mosquitto', mosquitto.url, settings, log)));
  } finally {
    await mosquitto.close();
  }
  return results;
}
