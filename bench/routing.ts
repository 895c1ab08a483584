// Routing benchmark: classify Alink topics with TopicRouter.matchFirst, qlobber and a linear loop of
// mqtt-match, against 50, 500 and 5,000 routes. Run with `npx tsx bench/routing.ts`.
import mqttMatch from 'mqtt-match';
import { Qlobber } from 'qlobber';
import { TopicRouter } from '../lib/topic';

const TOPICS = 1_000_000;
const ROUTE_COUNTS = [50, 500, 5000] as const;
const PRODUCTS = 20;
const DEVICES = 1000;
/** The devices routed in every table (the first ones); half the traffic comes from them. */
const BUSY_DEVICES = 5;
// The linear loop costs O(routes) per topic: it classifies the first LINEAR_CALLS / routes topics (100,000
// at 50 routes, 1,000 at 5,000), and its rate is reported per message like the others.
const LINEAR_CALLS = 5_000_000;
/** Timed rounds; matchers take turns and the best round counts, so a GC pause or a busy CPU does not decide. */
const ROUNDS = 5;

// qlobber's most MQTT-like configuration: aedes' options plus `match_empty_levels`, so that `+` matches an
// empty level as MQTT says. Everything else at its defaults (no split cache, no add cache).
const QLOBBER_MQTT = { separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true };

/** mulberry32: a seeded generator, so every run classifies the same topics. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Device k of the population; consecutive devices belong to different products.
const productKey = (k: number) => `a1Pk${String(k % PRODUCTS).padStart(7, '0')}`;
const deviceName = (k: number) => `dev_${String(Math.floor(k / PRODUCTS)).padStart(5, '0')}`;

/** What a gateway application routes, device by device, most specific first, then a catch-all. */
export function routesFor(count: number): string[] {
  const routes: string[] = [];
  for (let k = 0; routes.length < count - 1; k++) {
    if (k >= DEVICES) throw new Error(`not enough devices for ${count} routes`);
    const [pk, dn] = [productKey(k), deviceName(k)];
    if (k < PRODUCTS) routes.push(`/broadcast/${pk}/+`, `/sys/${pk}/+/thing/event/property/post_reply`);
    routes.push(
      `/sys/${pk}/${dn}/thing/service/property/set`,
      `/sys/${pk}/${dn}/rrpc/request/+`,
      `/sys/${pk}/${dn}/thing/event/+/post_reply`,
      `/sys/${pk}/${dn}/thing/service/+`,
      `/sys/${pk}/${dn}/broadcast/request/+`,
      `/ext/rrpc/+/sys/${pk}/${dn}/thing/service/+`,
      `/ota/device/upgrade/${pk}/${dn}`,
      `/shadow/get/${pk}/${dn}`,
      `/${pk}/${dn}/user/#`,
    );
  }
  routes.length = count - 1;
  routes.push('#');
  return routes;
}

type Pick = (n: number) => number;
const one = <T>(pick: Pick, choices: readonly T[]) => choices[pick(choices.length)] as T;
const id = (pick: Pick) => String(pick(4294967295));

/** The downlink traffic mix, in percent. */
const TRAFFIC: readonly (readonly [number, (pk: string, dn: string, pick: Pick) => string])[] = [
  [35, (pk, dn) => `/sys/${pk}/${dn}/thing/service/property/set`],
  [10, (pk, dn, pick) => `/sys/${pk}/${dn}/rrpc/request/${id(pick)}`],
  [5, (pk, dn) => `/ota/device/upgrade/${pk}/${dn}`],
  [20, (pk, dn, pick) => `/${pk}/${dn}/user/${one(pick, ['get', 'update', 'alarm'])}/${pick(8)}`],
  [5, (pk, _dn, pick) => `/broadcast/${pk}/${one(pick, ['notice', 'firmware'])}`],
  [
    10,
    (pk, dn, pick) => `/sys/${pk}/${dn}/thing/event/${one(pick, ['property', 'alarm', 'fault'])}/post_reply`,
  ],
  [
    7,
    (pk, dn, pick) => `/ext/rrpc/${id(pick)}/sys/${pk}/${dn}/thing/service/${one(pick, ['reboot', 'lock'])}`,
  ],
  [4, (pk, dn, pick) => `/sys/${pk}/${dn}/broadcast/request/${id(pick)}`],
  [4, (pk, dn, pick) => `/sys/${pk}/${dn}/thing/service/${one(pick, ['reboot', 'lock'])}`],
];

/**
 * Half the traffic from the BUSY_DEVICES devices routed in every table, half spread over all devices. Returns
 * all topics and, separately, those from the busy devices: walks of the same depth whatever the table.
 */
export function topicsFor(count: number): { all: string[]; busy: string[] } {
  const random = seeded(20240601);
  const pick: Pick = (n) => Math.floor(random() * n);
  const all: string[] = [];
  const busy: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = random() < 0.5 ? pick(BUSY_DEVICES) : pick(DEVICES);
    let percent = pick(100);
    const [, make] = TRAFFIC.find(([weight]) => (percent -= weight) < 0) ?? TRAFFIC[0]!;
    // MQTT.js hands over topics decoded from a Buffer: flat strings. Template literals make ropes, which
    // the first matcher to read them would pay to flatten.
    const topic = Buffer.from(make(productKey(k), deviceName(k), pick)).toString('utf8');
    all.push(topic);
    if (k < BUSY_DEVICES) busy.push(topic);
  }
  return { all, busy };
}

/** A matcher answers the index of the first declared route that matches, or -1. */
type FirstMatch = (topic: string) => number;
const NAMES = ['ours', 'qlobber', 'linear'] as const;
type Name = (typeof NAMES)[number];

function matchers(routes: readonly string[]): Record<Name, FirstMatch> {
  const router = new TopicRouter<number>();
  const qlobber = new Qlobber<number>(QLOBBER_MQTT);
  routes.forEach((route, index) => {
    router.add(route, index);
    qlobber.add(route, index);
  });
  return {
    ours: (topic) => router.matchFirst(topic)?.value ?? -1,
    // qlobber answers every match in no documented order: the first declared one is the smallest index.
    qlobber: (topic) => {
      let first = -1;
      for (const index of qlobber.match(topic)) if (first < 0 || index < first) first = index;
      return first;
    },
    linear: (topic) => {
      for (let i = 0; i < routes.length; i++) if (mqttMatch(routes[i] as string, topic)) return i;
      return -1;
    },
  };
}

/** Refuses to time matchers that disagree: the bench must not measure a wrong matcher. */
function assertAgreement(
  all: Record<Name, FirstMatch>,
  topics: readonly string[],
  routes: readonly string[],
) {
  for (let i = 0; i < topics.length; i += 97) {
    const topic = topics[i] as string;
    const expected = all.ours(topic);
    for (const name of NAMES) {
      const actual = all[name](topic);
      if (actual !== expected) {
        throw new Error(
          `${name} routes ${topic} to #${actual} ${routes[actual]}, ours to #${expected} ${routes[expected]}`,
        );
      }
    }
  }
}

/**
 * A new string for each topic, as MQTT.js decodes one from every packet. Matching the same strings round
 * after round would measure a cache that real traffic does not have: V8 keeps a string's hash in the
 * string once something (a `Map` lookup) has computed it.
 */
const fresh = (topics: readonly string[], count: number): string[] =>
  topics.slice(0, count).map((topic) => Buffer.from(topic).toString('utf8'));

/** Nanoseconds per message over the first `count` topics, each a fresh string made before the clock starts. */
function nsPerMessage(match: FirstMatch, topics: readonly string[], count: number): number {
  const input = fresh(topics, count);
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) checksum += match(input[i] as string);
  const ns = Number(process.hrtime.bigint() - start) / count;
  // Using the checksum keeps the loop from being optimised away.
  if (checksum === -1) throw new Error('impossible checksum');
  return ns;
}

type Timings = Record<Name | 'oursBusy' | 'qlobberBusy', number>;

function time(
  all: Record<Name, FirstMatch>,
  topics: { all: string[]; busy: string[] },
  linear: number,
): Timings {
  const runs: Record<keyof Timings, () => number> = {
    ours: () => nsPerMessage(all.ours, topics.all, topics.all.length),
    qlobber: () => nsPerMessage(all.qlobber, topics.all, topics.all.length),
    linear: () => nsPerMessage(all.linear, topics.all, linear),
    oursBusy: () => nsPerMessage(all.ours, topics.busy, topics.busy.length),
    qlobberBusy: () => nsPerMessage(all.qlobber, topics.busy, topics.busy.length),
  };
  const best = {
    ours: Infinity,
    qlobber: Infinity,
    linear: Infinity,
    oursBusy: Infinity,
    qlobberBusy: Infinity,
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of Object.keys(runs) as (keyof Timings)[]) best[key] = Math.min(best[key], runs[key]());
  }
  return best;
}

const rate = (ns: number) =>
  (ns < 1000 ? `${(1000 / ns).toFixed(2)}M` : `${(1e6 / ns).toFixed(1)}k`) + ' msg/s';
const times = (ratio: number) => `${ratio.toFixed(2)}x`;

/** Runs the benchmark: one line per route count, then the scaling of ours and whether the goals are met. */
export async function runRoutingBench(log: (line: string) => void): Promise<void> {
  const topics = topicsFor(TOPICS);
  const timings = new Map<number, Timings>();
  log(
    `${TOPICS.toLocaleString('en')} Alink topics, ${PRODUCTS} products, ${DEVICES} devices, Node ${process.version}`,
  );
  log(
    `qlobber options: ${JSON.stringify(QLOBBER_MQTT)}; best of ${ROUNDS} interleaved rounds after a warm-up, fresh topic strings each round`,
  );
  for (const count of ROUTE_COUNTS) {
    const routes = routesFor(count);
    const all = matchers(routes);
    assertAgreement(all, topics.all, routes);
    // Warm-up: let every matcher reach its optimised code before any of them is timed.
    for (const name of NAMES) for (let i = 0; i < 20_000; i++) all[name](topics.all[i] as string);
    const linear = Math.floor(LINEAR_CALLS / count);
    const ns = time(all, topics, linear);
    timings.set(count, ns);
    log(
      `${String(count).padStart(5)} routes: ours ${rate(ns.ours)}, qlobber ${rate(ns.qlobber)}, ` +
        `mqtt-match linear ${rate(ns.linear)} (first ${linear.toLocaleString('en')} topics); ` +
        `ours/qlobber ${times(ns.qlobber / ns.ours)}, ours/linear ${times(ns.linear / ns.ours)}`,
    );
  }
  const at = (count: number) => timings.get(count) as Timings;
  const speedup = at(50).qlobber / at(50).ours;
  log(`goal ours/qlobber >= 2 at 50 routes: ${times(speedup)}, ${speedup >= 2 ? 'met' : 'MISSED'}`);
  const growth = (key: keyof Timings) => at(5000)[key] / at(50)[key];
  log(
    `cost @5000 / @50 routes, all topics: ours ${times(growth('ours'))}, qlobber ${times(growth('qlobber'))} ` +
      `(at 5,000 routes half of the spread traffic has device routes: deeper walks, more work per topic)`,
  );
  log(
    `cost @5000 / @50 routes, the ${topics.busy.length.toLocaleString('en')} topics of devices routed in every ` +
      `table (same walks, only the table grows): ours ${times(growth('oursBusy'))}, ` +
      `qlobber ${times(growth('qlobberBusy'))}; goal <= 1.5: ${growth('oursBusy') <= 1.5 ? 'met' : 'MISSED'}`,
  );
}

if (require.main === module) {
  runRoutingBench((line) => console.log(line)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
