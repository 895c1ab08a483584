// The fault suite: `npm run faults` (a few minutes), `npm run faults -- --short` (well under a minute, run
// by CI after the tests), `--only kills,half-open` for some of them. Each scenario starts its own mosquitto
// or emulator on a loopback port, prints its figures, and closes what it started.
import { reportStream, streamThroughKills } from './brokerKills';
import { halfOpen } from './halfOpen';
import { offlineQueue } from './offlineQueue';
import { payloadFuzz } from './payloadFuzz';
import { broken, killableEmulator, killableMosquitto } from './support';
import { wrongCredentials } from './wrongCredentials';

const SCENARIOS = ['kills', 'half-open', 'credentials', 'fuzz', 'queue'] as const;
type Scenario = (typeof SCENARIOS)[number];

function parse(argv: readonly string[]): { short: boolean; only: Scenario[] } {
  let short = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--short') short = true;
    else if (arg === '--only') names.push(...(argv[++i] ?? '').split(','));
    else throw new Error(`unknown argument ${arg}; usage: [--short] [--only ${SCENARIOS.join(',')}]`);
  }
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  return { short, only: names.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((s) => names.includes(s)) };
}

async function main(): Promise<void> {
  const { short, only } = parse(process.argv.slice(2));
  if (global.gc === undefined) throw new Error('run with node --expose-gc (npm run faults does)');
  console.log(`fault suite (${short ? 'short' : 'full'}): ${only.join(', ')}`);
  const startedAt = Date.now();
  if (only.includes('kills')) {
    const plan = short
      ? { publishes: 1_500, perSecond: 200, kills: 2, outageMs: 300 }
      : { publishes: 10_000, perSecond: 100, kills: 10, outageMs: 300 };
    for (const start of [killableMosquitto, killableEmulator]) {
      const broker = await start();
      try {
        reportStream(broker.name, plan, await streamThroughKills(broker, plan));
      } finally {
        await broker.close();
      }
    }
  }
  if (only.includes('half-open'))
    await halfOpen({ keepalive: short ? 2 : 30, inFlight: 10, closeDefault: !short });
  if (only.includes('credentials')) await wrongCredentials(short ? 3_000 : 60_000);
  if (only.includes('fuzz')) await payloadFuzz(short ? 2_000 : 100_000);
  if (only.includes('queue')) await offlineQueue(short ? 100_000 : 1_000_000);
  console.log(`\nfault suite done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  for (const what of broken) console.error(`BROKEN: ${what}`);
  if (broken.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
