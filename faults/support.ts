// What the fault scenarios share: brokers they can kill, a clock, and how figures are printed.
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import type { ConnectionState } from '../lib/connection/ConnectionState';
import { Mosquitto } from '../spec/support/mosquitto';
import { emulatorBroker } from '../spec/support/testBrokers';

export { sleep };

/** A broker a scenario can take away abruptly and bring back on the same port. */
export interface KillableBroker {
  readonly name: string;
  readonly url: string;
  /** Gone at once: mosquitto by SIGKILL, the emulator by closing its server and every socket. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A mosquitto that takes any credentials. */
export async function killableMosquitto(): Promise<KillableBroker & { readonly broker: Mosquitto }> {
  const broker = await Mosquitto.start({ packetLog: false });
  return {
    name: 'mosquitto',
    url: broker.url,
    broker,
    kill: () => broker.kill(),
    start: () => broker.start(),
    close: () => broker.close(),
  };
}

/** The emulator on aedes, in this process, bringing a device's own publishes back to it. */
export async function killableEmulator(): Promise<KillableBroker> {
  const emulator = await emulatorBroker();
  return {
    name: 'emulator',
    url: emulator.url,
    kill: () => emulator.stop(),
    start: () => emulator.start(),
    close: () => emulator.close(),
  };
}

/** Resolves with the first state of `status`. */
export const reached = (
  state$: Observable<ConnectionState>,
  status: ConnectionState['status'],
): Promise<ConnectionState> => firstValueFrom(state$.pipe(filter((s) => s.status === status)));

/** Resolves once `done()` holds, checking every 10 ms; false if `withinMs` passes first. */
export async function until(done: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** The error's name, and its `reason` when it has one (`PublishRefusedError(offline-queue-full)`). */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' ? `${error.name}(${reason})` : error.name;
}

/** Counts by key, printed as `key: n, key: n`. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
  toString(): string {
    if (this.counts.size === 0) return 'none';
    return [...this.counts].map(([key, n]) => `${key}: ${int(n)}`).join(', ');
  }
}

export const int = (n: number): string => Math.round(n).toLocaleString('en');
export const ms = (n: number): string => `${int(n)} ms`;
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** What must hold whatever the figures (nothing hangs, no stream dies); `npm run faults` fails otherwise. */
export const broken: string[] = [];

export function mustHold(holds: boolean, what: string): void {
  if (!holds) broken.push(what);
}

/** Prints a scenario's figures as aligned `name  value` lines under a title. */
export function report(title: string, figures: readonly (readonly [string, string])[]): void {
  const width = Math.max(...figures.map(([name]) => name.length));
  console.log(`\n${title}`);
  for (const [name, value] of figures) console.log(`  ${name.padEnd(width)}  ${value}`);
}
