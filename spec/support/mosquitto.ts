import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The mosquitto binary: on the PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
const MOSQUITTO = ['mosquitto', '/usr/sbin/mosquitto'].find(
  (bin) => spawnSync(bin, ['-h']).error === undefined,
);

/** Whether a mosquitto binary is installed. */
export function hasMosquitto(): boolean {
  return MOSQUITTO !== undefined;
}

/**
 * Tests against mosquitto run whenever it is installed; under CI it must be (the suite fails instead of
 * skipping). Elsewhere they are skipped with a printed reason.
 */
export function describeWithMosquitto(name: string, body: () => void): void {
  if (hasMosquitto()) return describe(name, body);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs mosquitto on the PATH (CI=true: not skipped)', () => {
        throw new Error('mosquitto is not installed; .ci/run installs it with apt-get');
      });
    });
  }
  console.warn(`skipping "${name}": mosquitto is not on the PATH (apt-get install -y mosquitto)`);
  describe.skip(name, body);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface MosquittoOptions {
  /** Users with passwords; without any, anonymous clients are allowed. */
  readonly users?: readonly { readonly username: string; readonly password: string }[];
  /** ACL file lines (`user …`, `topic readwrite …`); default: everything allowed. */
  readonly acl?: readonly string[];
  /**
   * Log every packet, which `subscribes` / `unsubscribes` count. Default `true`; benchmarks turn it off, as
   * a log line per PUBLISH costs the broker and the process that reads it.
   */
  readonly packetLog?: boolean;
  /** A TLS listener with this server certificate and key (PEM) instead of plain TCP. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** Counts of SUBSCRIBE / UNSUBSCRIBE packets per filter, read off mosquitto's log. */
export interface PacketLog {
  subscribes(filter: string): number;
  unsubscribes(filter: string): number;
}

/** A real mosquitto on a loopback port, started by the test; `stop` and `start` again keep the port. */
export class Mosquitto implements PacketLog {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-mosquitto-'));
  private readonly counts = { SUBSCRIBE: new Map<string, number>(), UNSUBSCRIBE: new Map<string, number>() };
  private packet: 'SUBSCRIBE' | 'UNSUBSCRIBE' | undefined;
  private pending = '';

  private constructor(
    readonly port: number,
    private readonly tls: boolean,
  ) {}

  get url(): string {
    return `${this.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort(), options.tls !== undefined);
    broker.configure(options);
    await broker.start();
    return broker;
  }

  subscribes(filter: string): number {
    return this.counts.SUBSCRIBE.get(filter) ?? 0;
  }

  unsubscribes(filter: string): number {
    return this.counts.UNSUBSCRIBE.get(filter) ?? 0;
  }

  /** Starts the broker; rejects if it exits, or has not said it is running within `readyMs` (then it is killed). */
  async start({ readyMs = 10_000 }: { readonly readyMs?: number } = {}): Promise<void> {
    const child = spawn(MOSQUITTO ?? 'mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.process = child;
    let deadline: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`mosquitto exited (${code}) before it was ready`)));
      child.stderr?.on('data', (chunk: Buffer) => {
        if (this.read(chunk.toString())) resolve();
      });
      deadline = setTimeout(() => {
        reject(new Error(`mosquitto did not say it was running within ${readyMs} ms`));
        void this.stop({ graceMs: 0 });
      }, readyMs);
    });
    try {
      await ready;
    } finally {
      clearTimeout(deadline);
    }
  }

  /**
   * Stops the broker: SIGTERM, then SIGKILL if it has not exited after `graceMs`. mosquitto 2.0.11 ignores a
   * SIGTERM sent right after it says it is running (8 times in 20), and a stopped (SIGSTOP) process cannot
   * act on one: without the SIGKILL a test could wait for it until jest's timeout.
   */
  async stop({ graceMs = 1000 }: { readonly graceMs?: number } = {}): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the broker as a crash would (SIGKILL): no DISCONNECT, no clean close of its sockets. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * Freezes the broker (SIGSTOP): its sockets stay open and say nothing, a half-open broker as a client sees
   * it. `resume()` (SIGCONT) thaws it; `stop()` and `kill()` work on a frozen broker too.
   */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private configure({ users = [], acl, packetLog = true, tls }: MosquittoOptions): void {
    const lines = [
      `listener ${this.port} 127.0.0.1`,
      ...(tls ? this.certificateLines(tls) : []),
      'log_dest stderr',
      ...(packetLog
        ? ['log_type all']
        : ['log_type error', 'log_type warning', 'log_type notice', 'log_type information']),
      'persistence false',
      // Tests run as root in CI; mosquitto would otherwise switch to a user that cannot read this folder.
      'user root',
    ];
    if (users.length === 0) lines.push('allow_anonymous true');
    else {
      const passwd = join(this.dir, 'passwd');
      writeFileSync(passwd, '');
      for (const { username, password } of users)
        execFileSync('mosquitto_passwd', ['-b', passwd, username, password]);
      lines.push('allow_anonymous false', `password_file ${passwd}`);
    }
    if (acl) {
      writeFileSync(join(this.dir, 'acl'), acl.join('\n') + '\n');
      lines.push(`acl_file ${join(this.dir, 'acl')}`);
    }
    writeFileSync(join(this.dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  }

  private certificateLines({ cert, key }: { readonly cert: string; readonly key: string }): string[] {
    writeFileSync(join(this.dir, 'server.crt'), cert);
    writeFileSync(join(this.dir, 'server.key'), key, { mode: 0o600 });
    return [`certfile ${join(this.dir, 'server.crt')}`, `keyfile ${join(this.dir, 'server.key')}`];
  }

  /** Reads log lines; true once the broker says it is running. */
  private read(text: string): boolean {
    let running = false;
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const body = line.replace(/^\d+: /, '');
      if (body.includes(' running')) running = true;
      const received = /^Received (SUBSCRIBE|UNSUBSCRIBE) from /.exec(body);
      if (received) {
        this.packet = received[1] as 'SUBSCRIBE' | 'UNSUBSCRIBE';
      } else if (this.packet && body.startsWith('\t')) {
        const filter = body.slice(1).replace(/ \(QoS \d\)$/, '');
        const counts = this.counts[this.packet];
        counts.set(filter, (counts.get(filter) ?? 0) + 1);
      } else if (body.startsWith('Sending ')) {
        // The SUBACK / UNSUBACK ends the packet; its filters were the tabbed lines in between.
        this.packet = undefined;
      }
    }
    return running;
  }
}
