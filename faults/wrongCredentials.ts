// A device with a wrong secret: how often it tries again (the broker refuses each CONNACK), against
// mosquitto with a password file and against the emulator.
import { createDevice } from '../lib/device';
import { mqttCredentials } from '../lib/identity/mqttCredentials';
import { Mosquitto } from '../spec/support/mosquitto';
import { emulatorBroker, testDevice } from '../spec/support/testBrokers';
import { int, ms, report, sleep, Tally } from './support';

export async function wrongCredentials(windowMs: number): Promise<void> {
  const { username, password } = mqttCredentials(testDevice);
  const mosquitto = await Mosquitto.start({ packetLog: false, users: [{ username, password }] });
  const emulator = await emulatorBroker();
  try {
    for (const [name, url] of [
      ['mosquitto', mosquitto.url],
      ['emulator', emulator.url],
    ] as const) {
      const device = createDevice({ ...testDevice, deviceSecret: 'not-the-secret', endpoint: { url } });
      let attempts = 0;
      const errors = new Tally();
      const delays: number[] = [];
      device.state$.subscribe((state) => {
        if (state.status === 'connecting') attempts += 1;
        if (state.status === 'reconnecting') {
          delays.push(state.delayMs);
          errors.add(state.error instanceof Error ? state.error.message : String(state.error));
        }
      });
      device.start();
      await sleep(windowMs);
      await device.close();
      report(`Wrong credentials (${name}): default reconnect, ${ms(windowMs)}`, [
        ['CONNECT attempts', `${int(attempts)} in ${ms(windowMs)}`],
        ['delays', delays.map((d) => int(d)).join(', ') + ' ms'],
        ['errors', errors.toString()],
      ]);
    }
  } finally {
    await emulator.close();
    await mosquitto.close();
  }
}
