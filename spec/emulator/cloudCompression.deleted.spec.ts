// The emulator forgets a deleted device's compression declaration: a device registered anew under its name
// (regnwl) has declared nothing, so its plain payloads are taken as they are.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, map, merge } from 'rxjs';
import { declareCompression } from '../../lib/alink/declareCompression';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { registerDevice } from '../../lib/registerDevice';

const PK = 'a1ZipPK0001';
const PS = 'ProductSecret123';
const dev01 = { productKey: PK, deviceName: 'dev01' };
const update = `/${PK}/dev01/user/update`;

let emulator: Emulator;
const devices: AliyunDevice[] = [];
beforeEach(async () => {
  emulator = await startEmulator({
    products: [
      {
        productKey: PK,
        productSecret: PS,
        dynamicRegistration: true,
        devices: [{ deviceName: 'dev01', deviceSecret: 'dev01-secret' }],
      },
    ],
  });
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.close()));
  await emulator.close();
});

const connection = { endpoint: { url: '' }, reconnect: false as const };

describe('cloudCompression, a deleted device', () => {
  it('should forget its declaration, so that a device registered anew under its name publishes plain', async () => {
    const first = createDevice({
      ...dev01,
      deviceSecret: 'dev01-secret',
      ...connection,
      endpoint: { url: emulator.url },
    });
    devices.push(first);
    const declared = firstValueFrom(declareCompression(first, { uplink: [update] }));
    first.start();
    expect(E.isRight(await declared)).toBe(true);
    await first.close();
    await emulator.deleteDevice(dev01);

    const credential = await lastValueFrom(
      registerDevice({
        ...dev01,
        productSecret: PS,
        registration: { method: 'regnwl' },
        endpoint: { url: emulator.urls.mqtts },
        tls: { ca: emulator.ca },
      }),
    );
    const again = createDevice({
      ...dev01,
      productSecret: PS,
      secretStore: { load: () => Promise.resolve(credential), save: () => Promise.resolve() },
      ...connection,
      endpoint: { url: emulator.urls.mqtts },
      tls: { ca: emulator.ca },
    });
    devices.push(again);
    // Heard as it is, or dropped as a payload that does not gunzip.
    const outcome = firstValueFrom(
      merge(
        emulator.received$.pipe(
          filter((message) => message.topic === update),
          map((message) => `heard ${message.payload.toString()}`),
        ),
        emulator.events$.pipe(
          filter((event) => event.type === 'decompression-failed'),
          map(() => 'dropped: it does not gunzip'),
        ),
      ),
    );
    again.start();
    await lastValueFrom(again.publish({ topic: update, payload: 'plain', qos: 1 }));
    expect(await outcome).toBe('heard plain');
  });
});
