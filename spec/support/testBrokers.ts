import mqtt from 'mqtt';
import { Subscription } from 'rxjs';
import { DEFAULT_TOPIC_CLASSES, startEmulator, type Emulator } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { Mosquitto, type PacketLog } from './mosquitto';

/** The device every socket test uses. */
export const testDevice = {
  productKey: 'a1TestPK001',
  deviceName: 'device01',
  deviceSecret: '0123456789abcdef0123456789abcdef',
  clientId: 'rx-test-01',
  timestamp: 1700000000000,
} as const;

/**
 * A custom topic under `/${productKey}/${deviceName}/user/test/` (`'#'` gives the filter of them all): the
 * emulator's test product has that class with publish and subscribe rights, mosquitto's ACL allows it, and
 * both bring a device's own publish back to it (the emulator with `forwardDevicePublishes`).
 */
export const echoTopic = (name: string): string =>
  `/${testDevice.productKey}/${testDevice.deviceName}/user/test/${name}`;

/** A broker a socket test runs against: the emulator or a real mosquitto, each started by the test. */
export interface TestBroker extends PacketLog {
  readonly name: string;
  readonly url: string;
  /** The broker goes away (port closed) and comes back on the same port. */
  stop(): Promise<void>;
  /** Publishes at QoS 1 to the device from the other side (the cloud, or another client); resolves once the broker has it. */
  publishToDevice(topic: string, payload: string): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function emulatorBroker(): Promise<TestBroker> {
  const products = [
    {
      productKey: testDevice.productKey,
      devices: [{ deviceName: testDevice.deviceName, deviceSecret: testDevice.deviceSecret }],
      topicClasses: [...DEFAULT_TOPIC_CLASSES, { topic: 'user/test/#', access: 'all' } as const],
    },
  ];
  const counts = { subscribe: new Map<string, number>(), unsubscribe: new Map<string, number>() };
  let emulator: Emulator | undefined = await startEmulator({ products, forwardDevicePublishes: true });
  const port = emulator.port;
  let events = new Subscription();
  const watch = (running: Emulator) => {
    events = running.events$.subscribe((event) => {
      if (event.type !== 'subscribe' && event.type !== 'unsubscribe') return;
      for (const filter of event.filters)
        counts[event.type].set(filter, (counts[event.type].get(filter) ?? 0) + 1);
    });
  };
  watch(emulator);
  const stop = async () => {
    events.unsubscribe();
    await emulator?.close();
    emulator = undefined;
  };
  return {
    name: 'emulator',
    url: emulator.url,
    subscribes: (filter) => counts.subscribe.get(filter) ?? 0,
    unsubscribes: (filter) => counts.unsubscribe.get(filter) ?? 0,
    stop,
    async publishToDevice(topic, payload) {
      if (emulator === undefined) throw new Error('the emulator is stopped');
      await emulator.publish(topic, payload, { qos: 1 });
    },
    async start() {
      emulator = await startEmulator({ products, port, forwardDevicePublishes: true });
      watch(emulator);
    },
    close: stop,
  };
}

export async function mosquittoBroker(): Promise<TestBroker> {
  const { password, username } = mqttCredentials(testDevice);
  const { productKey: pk, deviceName: dn } = testDevice;
  // mosquitto checks the password (a wrong secret is refused) and keeps the device to its namespace.
  const mosquitto = await Mosquitto.start({
    users: [{ username, password }],
    acl: [
      `user ${username}`,
      `topic readwrite /sys/${pk}/${dn}/#`,
      `topic readwrite /${pk}/${dn}/user/#`,
      `topic readwrite /broadcast/${pk}/#`,
    ],
  });
  return {
    name: 'mosquitto',
    url: mosquitto.url,
    subscribes: (filter) => mosquitto.subscribes(filter),
    unsubscribes: (filter) => mosquitto.unsubscribes(filter),
    stop: () => mosquitto.stop(),
    async publishToDevice(topic, payload) {
      // The device's own credentials (the ACL is per user) with a client id of its own.
      const client = await mqtt.connectAsync(mosquitto.url, {
        username,
        password,
        clientId: 'the-other-side',
      });
      try {
        await client.publishAsync(topic, payload, { qos: 1 });
      } finally {
        await client.endAsync();
      }
    },
    start: () => mosquitto.start(),
    close: () => mosquitto.close(),
  };
}
