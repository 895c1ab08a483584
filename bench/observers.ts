// Observers benchmark: 10,000 observers of one filter on one device connected to the emulator. Heap per
// observer, the SUBSCRIBE and UNSUBSCRIBE packets the broker sees, and the time one message takes to reach
// all of them; with the figures of one observer and of a bare RxJS Subject as baselines. Run alone with
// `npm run bench -- --only observers`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Subject, filter, firstValueFrom, type Subscription } from 'rxjs';
import { createDevice } from '../lib/device';
import { startEmulator } from '../lib/emulator';
import { testDevice } from '../spec/support/testBrokers';

export interface ObserversConfig {
  /** Default: 10,000. */
  readonly observers?: number;
  /** Messages timed, one at a time, after a few untimed. Default: 21 (the median is reported). */
  readonly deliveries?: number;
  /** How long to wait for a (un)subscribe to reach the broker, and then for any extra one. Default: 2,000. */
  readonly settleMs?: number;
}

export interface ObserversResult {
  readonly observers: number;
  /** Where `gc()` came from: `--expose-gc`, or V8 flags set at run time. */
  readonly gc: 'expose-gc' | 'v8-flags';
  /** Retained heap per observer of `observe(filter)`, bytes. */
  readonly heapPerObserver: number;
  /** Baseline: retained heap per subscriber of a bare RxJS `Subject`, same handler, bytes. */
  readonly heapPerSubjectSubscriber: number;
  /** Heap still retained per observer after every observer left, bytes (0 when nothing leaks). */
  readonly heapLeftPerObserver: number;
  /** Milliseconds to subscribe every observer, and to unsubscribe them all. */
  readonly subscribeAllMs: number;
  readonly unsubscribeAllMs: number;
  /** SUBSCRIBE / UNSUBSCRIBE packets for the filter seen by the broker: 1 each is right. */
  readonly subscribes: number;
  readonly unsubscribes: number;
  /** Median milliseconds from `publish` to the last observer, with every observer and with one (baseline). */
  readonly deliverAllMs: number;
  readonly deliverOneMs: number;
  /** Median milliseconds from the first observer's call to the last one's: the fan-out alone. */
  readonly fanOutMs: number;
  /** Baseline: `next` on a bare RxJS `Subject` with as many subscribers, median milliseconds. */
  readonly subjectFanOutMs: number;
}

const { productKey, deviceName } = testDevice;
// A custom topic class with publish and subscribe rights: a device may not subscribe to a topic it only
// publishes on, such as property/post.
const TOPIC = `/${productKey}/${deviceName}/user/bench/temp`;
const FILTER = `/${productKey}/${deviceName}/user/bench/+`;
const PAYLOAD = Buffer.from('{"id":"1","params":{"temp":21.5}}');
/** Untimed deliveries before the timed ones. */
const WARM_UP = 5;

/** `global.gc` under `--expose-gc`; otherwise the same function, exposed by setting the V8 flag now. */
function gcFunction(): { gc: () => void; source: ObserversResult['gc'] } {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return { gc: exposed, source: 'expose-gc' };
  setFlagsFromString('--expose-gc');
  return { gc: runInNewContext('gc') as () => void, source: 'v8-flags' };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Resolves once `condition` holds, checked every 5 ms; false after `ms`. */
async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  return condition();
}

/** The baselines: the least an RxJS multicast costs, a bare Subject with as many subscribers. */
function bareSubject(subscribers: number, deliveries: number, heap: () => number) {
  let calls = 0;
  const onNext = () => (calls += 1);
  const subject = new Subject<Buffer>();
  const subscriptions: (Subscription | null)[] = new Array<Subscription | null>(subscribers).fill(null);
  const heap0 = heap();
  for (let i = 0; i < subscribers; i++) subscriptions[i] = subject.subscribe(onNext);
  const heapPerSubscriber = (heap() - heap0) / subscribers;
  const times: number[] = [];
  for (let i = -WARM_UP; i < deliveries; i++) {
    const start = performance.now();
    subject.next(PAYLOAD);
    if (i >= 0) times.push(performance.now() - start);
  }
  if (calls !== subscribers * (deliveries + WARM_UP)) throw new Error(`the Subject delivered ${calls} times`);
  subject.complete();
  subscriptions.fill(null);
  return { heapPerSubscriber, fanOutMs: median(times) };
}

export async function runObserversBench(
  log: (line: string) => void,
  config: ObserversConfig = {},
): Promise<ObserversResult> {
  const { observers = 10_000, deliveries = 21, settleMs = 2000 } = config;
  const { gc, source } = gcFunction();
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  if (source === 'v8-flags') log('gc: not started with --expose-gc; exposed at run time through V8 flags');

  const emulator = await startEmulator({
    products: [
      {
        productKey,
        devices: [{ deviceName, deviceSecret: testDevice.deviceSecret }],
        topicClasses: [{ topic: 'user/bench/+', access: 'all' } as const],
      },
    ],
    forwardDevicePublishes: true,
  });
  const counts = { subscribe: 0, unsubscribe: 0 };
  const events = emulator.events$.subscribe((event) => {
    if (event.type !== 'subscribe' && event.type !== 'unsubscribe') return;
    counts[event.type] += event.filters.filter((f) => f === FILTER).length;
  });
  const device = createDevice({ ...testDevice, endpoint: { url: emulator.url }, reconnect: false });
  try {
    device.start();
    await firstValueFrom(device.state$.pipe(filter((state) => state.status === 'connected')));

    // Deliveries are timed from `publish` to the call that completes the count.
    let calls = 0;
    let expected = 0;
    let firstAt = 0;
    let lastAt = 0;
    let delivered: () => void = () => {};
    const onMessage = () => {
      calls += 1;
      if (calls === 1) firstAt = performance.now();
      if (calls === expected) {
        lastAt = performance.now();
        delivered();
      }
    };
    const deliverOnce = async (to: number) => {
      calls = 0;
      expected = to;
      const done = new Promise<void>((resolve) => (delivered = resolve));
      const start = performance.now();
      device.publish({ topic: TOPIC, payload: PAYLOAD, qos: 0 }).subscribe({ error: () => {} });
      await done;
      return { total: lastAt - start, fanOut: lastAt - firstAt };
    };
    const deliverMany = async (to: number) => {
      const runs = [];
      for (let i = 0; i < WARM_UP; i++) await deliverOnce(to);
      for (let i = 0; i < deliveries; i++) runs.push(await deliverOnce(to));
      return {
        total: median(runs.map((run) => run.total)),
        fanOut: median(runs.map((run) => run.fanOut)),
      };
    };

    // The first observer sends the SUBSCRIBE; the broker's event says the subscription is in place.
    const subscriptions: (Subscription | null)[] = new Array<Subscription | null>(observers).fill(null);
    subscriptions[0] = device.observe(FILTER).subscribe(onMessage);
    if (!(await waitFor(() => counts.subscribe > 0, settleMs)))
      throw new Error('no SUBSCRIBE reached the broker');
    const one = await deliverMany(1);

    const heap0 = heap();
    const subscribeStart = performance.now();
    for (let i = 1; i < observers; i++) subscriptions[i] = device.observe(FILTER).subscribe(onMessage);
    const subscribeAllMs = performance.now() - subscribeStart;
    const heapPerObserver = (heap() - heap0) / (observers - 1);
    const all = await deliverMany(observers);

    const unsubscribeStart = performance.now();
    for (let i = 0; i < observers; i++) subscriptions[i]?.unsubscribe();
    const unsubscribeAllMs = performance.now() - unsubscribeStart;
    subscriptions.fill(null);
    await waitFor(() => counts.unsubscribe > 0, settleMs);
    // Give any extra (UN)SUBSCRIBE time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heapLeftPerObserver = (heap() - heap0) / (observers - 1);
    // The baselines come after, so that they run with the same warmed-up (and as polymorphic) RxJS code.
    const bare = bareSubject(observers, deliveries, heap);

    const result: ObserversResult = {
      observers,
      gc: source,
      heapPerObserver,
      heapPerSubjectSubscriber: bare.heapPerSubscriber,
      heapLeftPerObserver,
      subscribeAllMs,
      unsubscribeAllMs,
      subscribes: counts.subscribe,
      unsubscribes: counts.unsubscribe,
      deliverAllMs: all.total,
      deliverOneMs: one.total,
      fanOutMs: all.fanOut,
      subjectFanOutMs: bare.fanOutMs,
    };
    log(
      `${observers.toLocaleString('en')} observers of ${FILTER}: ${Math.round(heapPerObserver)} B heap each ` +
        `(bare Subject: ${Math.round(bare.heapPerSubscriber)} B), SUBSCRIBE x${counts.subscribe}, ` +
        `UNSUBSCRIBE x${counts.unsubscribe}; one message to all ${all.total.toFixed(2)} ms ` +
        `(to one: ${one.total.toFixed(2)} ms), fan-out ${all.fanOut.toFixed(2)} ms ` +
        `(bare Subject: ${bare.fanOutMs.toFixed(2)} ms)`,
    );
    return result;
  } finally {
    await device.close();
    events.unsubscribe();
    await emulator.close();
  }
}
