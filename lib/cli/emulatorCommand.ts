import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merge, type Subscription } from 'rxjs';
import { describedSafely, describeEmulatorEvent, describeReceived } from '../emulator/describeEmulatorEvent';
import { startCloudApi, type CloudApi, type CloudApiCall } from '../emulator/startCloudApi';
import { startEmulator, type Emulator } from '../emulator/startEmulator';
import { mqttCredentials } from '../identity/mqttCredentials';
import type { Command, CommandIo } from './Command';
import {
  DEFAULT_PORTS,
  DEMO_PRODUCT,
  loadEmulatorConfig,
  type EmulatorConfig,
  type EmulatorPorts,
} from './emulatorConfig';

const USAGE = `usage: rx-aliyun-iot emulator [--config <emulator.json>] [--host <address>] [--port <n>]
         [--mqtts-port <n>] [--ws-port <n>] [--wss-port <n>] [--api-port <n>] [--ca-file <ca.pem>]

Runs the platform emulator on its own until Ctrl-C, for any MQTT client (MQTTX, the official SDKs, a
backend in another language): the products and devices of a config file, or one demo device. It prints
what each device connects with, then a line per connection, refusal, message and server API call.

  --config <file>     products, devices, listeners and firmwares (JSON; see the README)
  --host <address>    interface to listen on (default 127.0.0.1)
  --port <n>          plain MQTT (default ${DEFAULT_PORTS.mqtt}; 0 for a free port, as for the others)
  --mqtts-port <n>    MQTT over TLS (default ${DEFAULT_PORTS.mqtts})
  --ws-port <n>       MQTT over websockets, path /mqtt (default ${DEFAULT_PORTS.ws})
  --wss-port <n>      MQTT over secure websockets (default ${DEFAULT_PORTS.wss})
  --api-port <n>      the server API over HTTP: ?Action=Pub&ProductKey=… (default ${DEFAULT_PORTS.api})
  --ca-file <file>    where to write the CA the TLS listeners are signed by (default: a temporary file)`;

const PORT_FLAGS: Readonly<Record<string, keyof EmulatorPorts>> = {
  '--port': 'mqtt',
  '--mqtts-port': 'mqtts',
  '--ws-port': 'ws',
  '--wss-port': 'wss',
  '--api-port': 'api',
};

interface Flags {
  config?: string;
  host?: string;
  caFile?: string;
  ports: Partial<Record<keyof EmulatorPorts, number>>;
}

/** The flags, or the line that says what is wrong with them. */
function parseFlags(args: readonly string[]): Flags | string {
  const flags: Flags = { ports: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = args[i + 1];
    const isPort = Object.hasOwn(PORT_FLAGS, arg);
    if (!isPort && arg !== '--config' && arg !== '--host' && arg !== '--ca-file')
      return `unknown option ${arg}`;
    if (value === undefined || value.startsWith('--')) return `${arg} takes a value`;
    i++;
    if (isPort) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        return `${arg} must be a port from 0 to 65535, got ${value}`;
      flags.ports[PORT_FLAGS[arg] as keyof EmulatorPorts] = n;
    } else if (arg === '--config') flags.config = value;
    else if (arg === '--host') flags.host = value;
    else flags.caFile = value;
  }
  return flags;
}

/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM, with its name; a second one then ends the process. */
export function processSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const time = () => new Date().toISOString().slice(11, 23);

/** What a client needs to connect as each device, one block per device. */
function credentialsSheet(config: EmulatorConfig, emulator: Emulator, caFile: string): string {
  const { urls } = emulator;
  const lines = [
    `listening on ${urls.mqtt}, ${urls.mqtts}, ${urls.ws}, ${urls.wss}`,
    `mqtts and wss are signed by the CA in ${caFile}`,
  ];
  for (const { productKey, devices } of config.products) {
    for (const { deviceName, deviceSecret } of devices) {
      if (deviceSecret === undefined) {
        lines.push(
          '',
          `device ${productKey}/${deviceName}`,
          `  productKey    ${productKey}`,
          `  deviceName    ${deviceName}`,
          '  no deviceSecret: it registers dynamically with its product secret',
        );
        continue;
      }
      const credentials = (secureMode: 2 | 3) =>
        mqttCredentials({ productKey, deviceName, deviceSecret, signMethod: 'hmacsha256', secureMode });
      const plain = credentials(3);
      lines.push(
        '',
        `device ${productKey}/${deviceName}`,
        `  productKey    ${productKey}`,
        `  deviceName    ${deviceName}`,
        `  deviceSecret  ${deviceSecret}`,
        `  clientId      ${plain.clientId}   (mqtt, ws)`,
        `                ${credentials(2).clientId}   (mqtts, wss)`,
        `  username      ${plain.username}`,
        `  password      ${plain.password}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeCall(call: CloudApiCall): string {
  const target = [call.params.ProductKey, call.params.DeviceName].filter(Boolean).join('/');
  const outcome =
    call.response.Success === true ? 'ok' : `${call.response.Code}: ${call.response.ErrorMessage}`;
  return `api ${call.action || '(no action)'}${target === '' ? '' : ` ${target}`} -> ${call.status} ${outcome}`;
}

/** `rx-aliyun-iot emulator`, stopped by what `stop` resolves with (default: SIGINT or SIGTERM). */
export function createEmulatorCommand(stop: () => Promise<string> = processSignal): Command {
  return {
    name: 'emulator',
    summary: 'run the platform emulator on its own, with a server API over HTTP',
    usage: USAGE,
    async run(args, io) {
      if (args.includes('--help') || args.includes('-h')) {
        io.stdout(`${USAGE}\n`);
        return 0;
      }
      const flags = parseFlags(args);
      if (typeof flags === 'string') {
        io.stderr(`${flags}\n\n${USAGE}\n`);
        return 2;
      }
      const loaded =
        flags.config === undefined
          ? E.right<readonly string[], EmulatorConfig>({
              host: '127.0.0.1',
              ports: DEFAULT_PORTS,
              products: [DEMO_PRODUCT],
              firmwares: [],
            })
          : await loadEmulatorConfig(flags.config);
      if (E.isLeft(loaded)) {
        io.stderr(`${loaded.left.join('\n')}\n`);
        return 1;
      }
      const config = {
        ...loaded.right,
        host: flags.host ?? loaded.right.host,
        ports: { ...loaded.right.ports, ...flags.ports },
      };
      return serve(config, flags.caFile, io, stop);
    },
  };
}

async function serve(
  config: EmulatorConfig,
  caFileOption: string | undefined,
  io: CommandIo,
  stop: () => Promise<string>,
): Promise<number> {
  const stopped = stop();
  let emulator: Emulator | undefined;
  let api: CloudApi | undefined;
  let logging: Subscription | undefined;
  const caDir =
    caFileOption === undefined ? mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-emulator-')) : undefined;
  const caFile = caFileOption ?? join(caDir as string, 'ca.pem');
  try {
    try {
      const { host, ports, products, maxPayloadBytes, forwardDevicePublishes } = config;
      const { packPostLimits, propertyHistoryLimit } = config;
      emulator = await startEmulator({
        host,
        port: ports.mqtt,
        ports: { mqtts: ports.mqtts, ws: ports.ws, wss: ports.wss },
        products,
        maxPayloadBytes,
        forwardDevicePublishes,
        packPostLimits,
        propertyHistoryLimit,
      });
      api = await startCloudApi(emulator, { products, firmwares: config.firmwares, host, port: ports.api });
      writeFileSync(caFile, emulator.ca);
    } catch (error) {
      const e = error as Error & { code?: string; port?: number };
      const why =
        e.code === 'EADDRINUSE'
          ? `a port is in use (${e.message}): choose others with --port, --mqtts-port, --ws-port, --wss-port, --api-port (0 for a free one)`
          : e.message;
      io.stderr(`cannot start the emulator: ${why}\n`);
      return 1;
    }
    io.stdout(credentialsSheet(config, emulator, caFile));
    io.stdout(`\nserver API on ${api.url} (?Action=Pub&ProductKey=…, or a form or JSON body)\n`);
    io.stdout('ready; Ctrl-C stops it\n\n');
    const line = (text: string) => io.stdout(`${time()} ${text}\n`);
    logging = merge(emulator.events$, emulator.received$, api.calls$).subscribe((item) =>
      line(
        describedSafely(() =>
          'type' in item
            ? describeEmulatorEvent(item)
            : 'action' in item
              ? describeCall(item)
              : describeReceived(item),
        ),
      ),
    );
    const signal = await stopped;
    io.stdout(`\n${time()} ${signal}: stopping\n`);
    return 0;
  } finally {
    await api?.close();
    await emulator?.close();
    logging?.unsubscribe();
    if (caDir !== undefined) rmSync(caDir, { recursive: true, force: true });
    if (emulator !== undefined) io.stdout(`${time()} stopped\n`);
  }
}

/** The command as the bin runs it. */
export const emulatorCommand: Command = createEmulatorCommand();
