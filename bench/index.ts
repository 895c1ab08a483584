// Runs the benchmarks in sequence and prints their figures: `npm run bench`, or some of them with
// `npm run bench -- --only e2e,observers` (names: routing, e2e, observers, ota, thing, latency; `--only` may be
// repeated).
// Every broker a benchmark starts, it closes: the process ends by itself.
import { cpus } from 'node:os';
import { runEndToEndBench, type Client, type EndToEndResult } from './endToEnd';
import { runLatencyBench, type LatencyFigures, type LatencyResult } from './latency';
import { runObserversBench, type ObserversResult } from './observers';
import { runOtaDownloadBench, type OtaDownloadResult } from './otaDownload';
import { runRoutingBench } from './routing';
import { runThingBench, type ThingResult } from './thing';

const BENCHES = ['routing', 'e2e', 'observers', 'ota', 'thing', 'latency'] as const;
type Bench = (typeof BENCHES)[number];

/** The thing bench's goal: property post round trips at least this fraction of raw MQTT.js's. */
const THING_GOAL = 0.9;

/** The end-to-end goal of the issue: ours at least this fraction of raw MQTT.js. */
const E2E_GOAL = 0.95;

/** The OTA download goals: ours at least this fraction of a plain http.get, RSS growth and refetch bounds. */
const OTA_GOALS = { ratio: 0.9, rssMb: 64, refetch: 1.05 } as const;

function selected(argv: readonly string[]): Bench[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--only') names.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) names.push(...arg.slice('--only='.length).split(','));
    else throw new Error(`unknown argument ${arg}; usage: --only ${BENCHES.join('|')}[,...]`);
  }
  const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown bench ${unknown.join(', ')}; choose from ${BENCHES.join(', ')}`);
  return names.length === 0 ? [...BENCHES] : BENCHES.filter((bench) => names.includes(bench));
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        /^[\d.,x%-]/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const ratio = (n: number) => `${n.toFixed(2)}x`;

/** Ours over raw in each round (the two ran one after the other): how much the ratio moves by itself. */
function roundSpread(r: EndToEndResult): string {
  const raw = r.runs.raw ?? [];
  const ratios = (r.runs.ours ?? []).map((run, i) => run.perSecond / (raw[i]?.perSecond ?? NaN));
  if (ratios.length === 0) return '-';
  return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
}

function e2eTable(results: readonly EndToEndResult[]): string[] {
  const rate = (r: EndToEndResult, c: Client) => r.median[c]?.perSecond ?? NaN;
  const cpu = (r: EndToEndResult, c: Client) => r.median[c]?.cpuMicros ?? NaN;
  return table(
    [
      'broker',
      'QoS',
      'msgs',
      'ours msg/s',
      'publishAll msg/s',
      'raw msg/s',
      'ours/raw',
      'publishAll/raw',
      'control/raw',
      `goal >=${E2E_GOAL}`,
      'ours/raw by round, min-max',
      'CPU us/msg ours|all|raw',
    ],
    results.map((r) => {
      const ours = rate(r, 'ours') / rate(r, 'raw');
      return [
        r.broker,
        String(r.qos),
        int(r.messages),
        int(rate(r, 'ours')),
        int(rate(r, 'oursAll')),
        int(rate(r, 'raw')),
        ratio(ours),
        ratio(rate(r, 'oursAll') / rate(r, 'raw')),
        r.median.control ? ratio(rate(r, 'control') / rate(r, 'raw')) : '-',
        ours >= E2E_GOAL ? 'met' : 'MISSED',
        roundSpread(r),
        [cpu(r, 'ours'), cpu(r, 'oursAll'), cpu(r, 'raw')].map((us) => us.toFixed(1)).join(' | '),
      ];
    }),
  );
}

function observersTable(r: ObserversResult): string[] {
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  const bytes = (n: number) => `${int(n)} B`;
  return table(
    ['figure', 'ours', 'baseline', 'baseline is'],
    [
      ['heap per observer', bytes(r.heapPerObserver), bytes(r.heapPerSubjectSubscriber), 'bare RxJS Subject'],
      ['heap left per observer after all left', bytes(r.heapLeftPerObserver), '0 B', 'no leak'],
      ['SUBSCRIBE packets for the filter', String(r.subscribes), '1', 'refcount goal'],
      ['UNSUBSCRIBE packets when all left', String(r.unsubscribes), '1', 'refcount goal'],
      [
        `publish -> all ${int(r.observers)} observers`,
        ms(r.deliverAllMs),
        ms(r.deliverOneMs),
        'one observer',
      ],
      ['fan-out (first to last observer)', ms(r.fanOutMs), ms(r.subjectFanOutMs), 'bare Subject next'],
      [
        `subscribe ${int(r.observers)} / unsubscribe all`,
        ms(r.subscribeAllMs),
        ms(r.unsubscribeAllMs),
        '(ours)',
      ],
    ],
  );
}

function thingTable(r: ThingResult): string[] {
  const rate = (c: keyof ThingResult['median']) => r.median[c].perSecond;
  const ratios = r.runs.ours.map((run, i) => run.perSecond / (r.runs.raw[i]?.perSecond ?? NaN));
  const rows = [
    [
      'property post round trips/s',
      int(rate('ours')),
      int(rate('raw')),
      ratio(rate('ours') / rate('raw')),
      ratio(rate('control') / rate('raw')),
      `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
      rate('ours') / rate('raw') >= THING_GOAL ? 'met' : 'MISSED',
    ],
    [
      'CPU us per round trip',
      r.median.ours.cpuMicros.toFixed(1),
      r.median.raw.cpuMicros.toFixed(1),
      ratio(r.median.ours.cpuMicros / r.median.raw.cpuMicros),
      ratio(r.median.control.cpuMicros / r.median.raw.cpuMicros),
      '-',
      '-',
    ],
  ];
  if (r.heap !== undefined) {
    rows.push([
      `heap per pending post (${int(r.heap.pending)} pending)`,
      `${int(r.heap.oursPerPending)} B`,
      `${int(r.heap.rawPerPending)} B`,
      ratio(r.heap.oursPerPending / r.heap.rawPerPending),
      '-',
      '-',
      `left after: ${int(r.heap.oursLeftPerPending)} B`,
    ]);
  }
  return table(
    ['figure', 'ours', 'raw', 'ours/raw', 'control/raw', 'by round', `goal >=${THING_GOAL}`],
    rows,
  );
}

function otaTable(r: OtaDownloadResult): string[] {
  const { ours, raw, rawData } = r.median;
  // The goal is held against the faster of the two plain downloads.
  const best = Math.max(raw.mbPerSecond, rawData.mbPerSecond);
  const ratioOf = ours.mbPerSecond / best;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const byRound = r.runs.ours.map(
    (run, i) =>
      run.mbPerSecond / Math.max(r.runs.raw[i]?.mbPerSecond ?? NaN, r.runs.rawData[i]?.mbPerSecond ?? NaN),
  );
  const mbs = (n: number) => `${n.toFixed(0)} MB/s`;
  const rss = (n: number) => `${n.toFixed(1)} MB`;
  return table(
    ['figure', 'ours', 'http.get | pipe(hash)', "http.get | on('data', hash)", 'goal'],
    [
      [
        `download + verify ${int(r.imageBytes / 1024 / 1024)} MiB`,
        mbs(ours.mbPerSecond),
        mbs(raw.mbPerSecond),
        mbs(rawData.mbPerSecond),
        '',
      ],
      [
        'ours / faster baseline',
        ratio(ratioOf),
        `${Math.min(...byRound).toFixed(2)}-${Math.max(...byRound).toFixed(2)} by round`,
        '',
        `>=${OTA_GOALS.ratio} ${met(ratioOf >= OTA_GOALS.ratio)}`,
      ],
      [
        'CPU per MiB (client + server)',
        `${ours.cpuMsPerMb.toFixed(2)} ms`,
        `${raw.cpuMsPerMb.toFixed(2)} ms`,
        `${rawData.cpuMsPerMb.toFixed(2)} ms`,
        '',
      ],
      [
        'peak RSS growth',
        rss(ours.rssGrowthMb),
        rss(raw.rssGrowthMb),
        rss(rawData.rssGrowthMb),
        `<=${OTA_GOALS.rssMb} MB ${met(ours.rssGrowthMb <= OTA_GOALS.rssMb)}`,
      ],
      [
        `fetched after a cut at half (${r.resumedResponses} responses)`,
        ratio(r.resumedFetchRatio),
        '',
        '',
        `<=${OTA_GOALS.refetch}x ${met(r.resumedFetchRatio <= OTA_GOALS.refetch)}`,
      ],
    ],
  );
}

function latencyTable(r: LatencyResult): string[] {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const rows = (ours: LatencyFigures, raw: LatencyFigures) => [
    ['median', ms(ours.median), ms(raw.median)],
    ['p99', ms(ours.p99), ms(raw.p99)],
    ['max', ms(ours.max), ms(raw.max)],
  ];
  return [
    ...table(['publish to broker', 'ours', 'raw MQTT.js'], rows(r.ours, r.raw)),
    '',
    ...table(['QoS 1 post to its reply', 'ours', 'raw MQTT.js'], rows(r.roundTrip.ours, r.roundTrip.raw)),
  ];
}

async function main(): Promise<void> {
  let benches: Bench[];
  try {
    benches = selected(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const cpu = cpus();
  console.log(
    `rx-aliyun-iot bench: Node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}`,
  );
  const summary: string[] = [];
  for (const bench of benches) {
    console.log(`\n== ${bench}`);
    const log = (line: string) => console.log(`  ${line}`);
    const started = performance.now();
    try {
      if (bench === 'routing') await runRoutingBench(log);
      if (bench === 'e2e') summary.push('', 'end to end (medians)', ...e2eTable(await runEndToEndBench(log)));
      if (bench === 'thing')
        summary.push('', `thing model (medians)`, ...thingTable(await runThingBench(log)));
      if (bench === 'observers')
        summary.push('', 'observers', ...observersTable(await runObserversBench(log)));
      if (bench === 'latency')
        summary.push(
          '',
          'latency (every publish of every round)',
          ...latencyTable(await runLatencyBench(log)),
        );
      if (bench === 'ota')
        summary.push('', 'OTA download (medians)', ...otaTable(await runOtaDownloadBench(log)));
    } catch (error) {
      process.exitCode = 1;
      console.error(`  ${bench} failed:`, error);
    }
    log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const line of summary) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
