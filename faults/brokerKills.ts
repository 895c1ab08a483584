// A QoS 1 stream from a device to itself (it observes the topic it publishes on) while the broker is killed
// and restarted: what succeeded, what failed and why, what the broker acknowledged and never delivered, what
// came twice or out of order, and how long each outage kept the device offline.
import { createDevice } from '../lib/device';
import { echoTopic, testDevice } from '../spec/support/testBrokers';
import {
  mustHold,
  int,
  ms,
  reached,
  reasonOf,
  report,
  sleep,
  Tally,
  until,
  type KillableBroker,
} from './support';

export interface StreamPlan {
  readonly publishes: number;
  readonly perSecond: number;
  readonly kills: number;
  /** How long the broker stays away at each kill. */
  readonly outageMs: number;
}

export interface StreamFigures {
  readonly succeeded: number;
  readonly failed: Tally;
  readonly hung: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly offlineMs: readonly number[];
  readonly highestAttempt: number;
}

export async function streamThroughKills(broker: KillableBroker, plan: StreamPlan): Promise<StreamFigures> {
  const topic = echoTopic('faults-stream');
  const device = createDevice({ ...testDevice, endpoint: { url: broker.url } });
  const offlineMs: number[] = [];
  let offlineSince: number | undefined;
  let highestAttempt = 0;
  device.state$.subscribe((state) => {
    if (state.status === 'reconnecting') {
      offlineSince ??= Date.now();
      highestAttempt = Math.max(highestAttempt, state.attempt);
    }
    if (state.status === 'connected' && offlineSince !== undefined) {
      offlineMs.push(Date.now() - offlineSince);
      offlineSince = undefined;
    }
  });
  const seen = new Map<number, number>();
  let highestSeen = -1;
  let outOfOrder = 0;
  device.observe(topic, { qos: 1 }).subscribe(({ payload }) => {
    const seq = Number(payload.toString());
    const times = seen.get(seq) ?? 0;
    seen.set(seq, times + 1);
    // A duplicate is counted as such; out of order is a first delivery after a later message's.
    if (times === 0 && seq < highestSeen) outOfOrder += 1;
    highestSeen = Math.max(highestSeen, seq);
  });
  device.start();
  await reached(device.state$, 'connected');

  const succeeded = new Set<number>();
  const failed = new Tally();
  const startedAt = Date.now();
  const streamMs = (plan.publishes / plan.perSecond) * 1000;
  const kills = (async () => {
    for (let k = 0; k < plan.kills; k++) {
      await sleep(Math.max(0, startedAt + ((k + 0.5) * streamMs) / plan.kills - Date.now()));
      await broker.kill();
      await sleep(plan.outageMs);
      await broker.start();
    }
  })();
  for (let seq = 0; seq < plan.publishes; seq++) {
    const due = startedAt + (seq * 1000) / plan.perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    device.publish({ topic, payload: String(seq), qos: 1 }).subscribe({
      complete: () => succeeded.add(seq),
      error: (error: unknown) => failed.add(reasonOf(error)),
    });
  }
  await kills;
  await until(() => succeeded.size + failed.total === plan.publishes, 120_000);
  // The echo of the last acknowledged publishes is on its way: wait until nothing more arrives for a second.
  for (let before = -1; before !== seen.size;) {
    before = seen.size;
    await sleep(1000);
  }
  const hung = plan.publishes - succeeded.size - failed.total;
  await device.close();

  let lost = 0;
  for (const seq of succeeded) if (!seen.has(seq)) lost += 1;
  let duplicated = 0;
  for (const n of seen.values()) duplicated += n - 1;
  return { succeeded: succeeded.size, failed, hung, lost, duplicated, outOfOrder, offlineMs, highestAttempt };
}

export function reportStream(broker: string, plan: StreamPlan, f: StreamFigures): void {
  mustHold(f.hung === 0, `${broker} kills: ${f.hung} publishes neither succeeded nor failed`);
  mustHold(f.outOfOrder === 0, `${broker} kills: ${f.outOfOrder} messages out of order`);
  const longest = f.offlineMs.length > 0 ? Math.max(...f.offlineMs) : 0;
  const mean = f.offlineMs.reduce((a, b) => a + b, 0) / Math.max(1, f.offlineMs.length);
  report(
    `QoS 1 stream through broker kills (${broker}): ${int(plan.publishes)} publishes at ${int(plan.perSecond)}/s, ` +
      `${plan.kills} kills of ${ms(plan.outageMs)}, default reconnect and offline queue`,
    [
      ['succeeded', int(f.succeeded)],
      ['failed', `${int(f.failed.total)} (${f.failed.toString()})`],
      ['hung', int(f.hung)],
      ['acknowledged, never delivered', int(f.lost)],
      ['duplicated', int(f.duplicated)],
      ['out of order', int(f.outOfOrder)],
      ['offline per outage', `mean ${ms(mean)}, longest ${ms(longest)} (${f.offlineMs.length} outages)`],
      ['highest reconnect attempt', int(f.highestAttempt)],
    ],
  );
}
