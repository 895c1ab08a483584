// Test support for the socket specs of the emulator (not a spec itself).
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { mqttCredentials, type CredentialsInput } from '../../lib/identity';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator';
import { TLS_TRANSPORTS, type Transport } from '../../lib/emulator/transport';

export const PK = 'a1TestPK001';
export const SECRET = '0123456789abcdef0123456789abcdef';
export const DEV01 = { productKey: PK, deviceName: 'dev01' } as const;
export const DEV02 = { productKey: PK, deviceName: 'dev02' } as const;

export const products: EmulatorOptions['products'] = [
  {
    productKey: PK,
    devices: [
      { deviceName: 'dev01', deviceSecret: SECRET },
      { deviceName: 'dev02', deviceSecret: 'another-secret' },
    ],
  },
];

export interface DeviceLogin extends Partial<CredentialsInput> {
  /** Seconds. Default: 60. */
  readonly keepalive?: number;
  /** Replaces the signed password, e.g. to send it in uppercase. */
  readonly password?: string;
  /** Replaces the username. */
  readonly username?: string;
  readonly clean?: boolean;
  /** Which listener to dial. Default: `'mqtt'`; securemode follows unless given. */
  readonly transport?: Transport;
}

/** Resolves when the connection of a device is gone. */
export function whenClosed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

/** The next PUBLISH a device receives. */
export function nextMessage(client: MqttClient): Promise<{ topic: string; payload: Buffer; qos: number }> {
  return new Promise((resolve) =>
    client.once('message', (topic, payload, packet) => resolve({ topic, payload, qos: packet.qos })),
  );
}

/**
 * Starts emulators and raw MQTT.js devices, and ends them all in `cleanup()` (call it from afterEach).
 */
export function deviceHarness() {
  const clients: MqttClient[] = [];
  const emulators: Emulator[] = [];

  async function start(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
    const emulator = await startEmulator({ products, ...options });
    emulators.push(emulator);
    return emulator;
  }

  /** Connects a device (dev01 with its secret unless told otherwise); rejects with the CONNACK error. */
  function connectDevice(emulator: Emulator, login: DeviceLogin = {}): Promise<MqttClient> {
    const { keepalive = 60, clean = true, password, username, transport = 'mqtt', ...input } = login;
    const tls = TLS_TRANSPORTS.includes(transport);
    const secureMode = tls ? 2 : 3;
    const credentials = mqttCredentials({ ...DEV01, deviceSecret: SECRET, secureMode, ...input });
    const options: IClientOptions = {
      ...(tls ? { ca: emulator.ca } : {}),
      ...credentials,
      password: password ?? credentials.password,
      username: username ?? credentials.username,
      keepalive,
      clean,
      protocolVersion: 4,
      reconnectPeriod: 0,
    };
    const client = connect(emulator.urls[transport], options);
    clients.push(client);
    // The server closes connections in these specs on purpose; a late socket error must not throw.
    client.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  }

  async function cleanup(): Promise<void> {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  }

  return { start, connectDevice, cleanup };
}
