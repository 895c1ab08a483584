// Builds against each other, in one process: the e2e bench's device of this checkout and of other
// checkouts, and raw MQTT.js, against one broker, the clients in rotating order. Between processes the
// same build's rate moved by half on this machine (15,000 to 25,000 msg/s on the emulator at QoS 1); in
// one process, the builds meet the same machine. Each other checkout must have its bench compiled:
//
//   git worktree add --detach ../before <commit> && (cd ../before && npm ci && npx tsc -p tsconfig.bench.json)
//   npm run bench:compare -- ../before                     # emulator and mosquitto, QoS 0 and 1
//   npm run bench:compare -- ../before --broker emulator --qos 1 --rounds 15
//
// Prints, for each row, ours/raw of each build, raw's runs of every slot pooled into one median, and
// CPU us per message (this process, the emulator included when it is the broker).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDevice } from '../lib/device';
import { startEmulator } from '../lib/emulator';
import { hasMosquitto, Mosquitto } from '../spec/support/mosquitto';
import { median, oursSession, Pump, PRODUCTS, rawSession, timedRun, type Broker, type Run } from './endToEnd';

interface Build {
  readonly name: string;
  readonly make: typeof createDevice;
}

interface Options {
  readonly builds: readonly Build[];
  readonly brokers: readonly Broker[];
  readonly qos: readonly (0 | 1)[];
  readonly rounds: number;
}

const MESSAGES = { 0: 20_000, 1: 10_000 } as const;
const WINDOW = 1000;
const STALL_MS = 15_000;
const WARMUP_ROUNDS = 2;

/** Another checkout's `createDevice`, from its compiled bench (`.bench/lib/device.js`). */
function buildAt(checkout: string): Build {
  const file = resolve(checkout, '.bench/lib/device.js');
  if (!existsSync(file)) {
    throw new Error(
      `${file} not found: compile its bench first (cd ${checkout} && npx tsc -p tsconfig.bench.json)`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a build chosen at run time
  const loaded = require(file) as { createDevice?: typeof createDevice };
  if (typeof loaded.createDevice !== 'function') throw new Error(`${file} exports no createDevice`);
  return { name: checkout, make: loaded.createDevice };
}

function parse(argv: readonly string[]): Options {
  const builds: Build[] = [{ name: 'this checkout', make: createDevice }];
  let brokers: Broker[] = ['emulator', 'mosquitto'];
  let qos: (0 | 1)[] = [0, 1];
  let rounds = 9;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--broker') {
      const broker = value();
      if (broker !== 'emulator' && broker !== 'mosquitto') throw new Error(`unknown broker ${broker}`);
      brokers = [broker];
    } else if (arg === '--qos') {
      const level = Number(value());
      if (level !== 0 && level !== 1) throw new Error('--qos takes 0 or 1');
      qos = [level];
    } else if (arg === '--rounds') {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number >= 1');
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else builds.push(buildAt(arg));
  }
  if (builds.length < 2)
    throw new Error('usage: npm run bench:compare -- <checkout> [<checkout> ...] [options]');
  return { builds, brokers, qos, rounds };
}

/** One row: every build's device and one raw client per build, in rotation. */
async function row(url: string, broker: Broker, qos: 0 | 1, options: Options): Promise<void> {
  const total = MESSAGES[qos];
  // A raw slot after each build's, so that raw follows each of them as often as they follow raw.
  const slots = options.builds.flatMap((build, i) => [
    { label: `build ${i}`, open: () => oursSession(url, qos, false, STALL_MS, build.make) },
    { label: 'raw', open: () => rawSession(url, qos) },
  ]);
  const runs = new Map<string, Run[]>();
  for (let round = 0; round < WARMUP_ROUNDS + options.rounds; round++) {
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[(i + round) % slots.length] as (typeof slots)[number];
      const run = await timedRun(await slot.open(), new Pump(total, WINDOW, qos, STALL_MS), total);
      if (round >= WARMUP_ROUNDS) runs.set(slot.label, [...(runs.get(slot.label) ?? []), run]);
    }
  }
  const raw = runs.get('raw') ?? [];
  const rawRate = median(raw.map((run) => run.perSecond));
  console.log(
    `${broker} QoS ${qos}: raw ${Math.round(rawRate)} msg/s, ${median(raw.map((r) => r.cpuMicros)).toFixed(1)} us/msg`,
  );
  options.builds.forEach((build, i) => {
    const ours = runs.get(`build ${i}`) ?? [];
    const ratio = median(ours.map((run) => run.perSecond)) / rawRate;
    const cpu = median(ours.map((run) => run.cpuMicros));
    console.log(`  ${build.name}: ours/raw ${ratio.toFixed(3)}, ${cpu.toFixed(1)} us/msg`);
  });
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  console.log(
    `${options.rounds} rounds after ${WARMUP_ROUNDS} warm-up rounds, ${MESSAGES[0]} (QoS 0) or ${MESSAGES[1]} (QoS 1) messages a run`,
  );
  for (const broker of options.brokers) {
    if (broker === 'emulator') {
      const emulator = await startEmulator({ products: PRODUCTS, forwardDevicePublishes: true });
      try {
        for (const qos of options.qos) await row(emulator.url, broker, qos, options);
      } finally {
        await emulator.close();
      }
    } else if (!hasMosquitto()) console.log('mosquitto: skipped, not on the PATH');
    else {
      const mosquitto = await Mosquitto.start({ packetLog: false });
      try {
        for (const qos of options.qos) await row(mosquitto.url, broker, qos, options);
      } finally {
        await mosquitto.close();
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
