// Device diagnostics measured on real connections: a device of this library against the emulator.
import { lastValueFrom, toArray } from 'rxjs';
import { watchDiagnostics } from '../../lib/alink/watchDiagnostics';
import { createDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { DEVICE_NAME, DEVICE_SECRET, PRODUCT_KEY } from '../support/emulatorDevice';

describe('watchDiagnostics against the emulator', () => {
  let cloud: Emulator;
  beforeEach(async () => {
    cloud = await startEmulator({
      products: [
        { productKey: PRODUCT_KEY, devices: [{ deviceName: DEVICE_NAME, deviceSecret: DEVICE_SECRET }] },
      ],
    });
  });
  afterEach(() => cloud.close());

  it('should measure the refused attempt that made the device give up, to its refusal, then complete', async () => {
    const device = createDevice({
      productKey: PRODUCT_KEY,
      deviceName: DEVICE_NAME,
      deviceSecret: 'not-the-secret-of-this-device-00',
      endpoint: { url: cloud.url },
      reconnect: false,
    });
    // When the attempt started and when it was refused, as the device's states say.
    const seen: Record<string, number> = {};
    device.state$.subscribe((state) => (seen[state.status] ??= Date.now()));
    // A fatal threshold the refusal cannot reach: a measurement to the refusal is shorter.
    const measured = lastValueFrom(
      watchDiagnostics(device, { connect: { fatalMs: 600_000 }, heartbeat: false, uplink: false }).pipe(
        toArray(),
      ),
    );
    device.start();
    const measurements = await measured;
    expect(measurements).toEqual([
      { item: 'connect', level: 'fatal', elapsedMs: expect.any(Number), completed: false },
    ]);
    const elapsedMs = measurements[0]?.elapsedMs ?? Number.NaN;
    expect(elapsedMs).toBeGreaterThanOrEqual(0);
    // Read on the same clock a moment apart: 1 ms of slack.
    expect(elapsedMs).toBeLessThanOrEqual((seen['closed'] ?? 0) - (seen['connecting'] ?? 0) + 1);
    await device.close();
  });
});
