// Test support: a real device connected to an emulator started on loopback, both closed by `close()`.
import { filter, firstValueFrom } from 'rxjs';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator';
import type { DeviceOptions } from '../../lib/identity/deviceOptions';

export const PRODUCT_KEY = 'a1TestPK001';
export const DEVICE_NAME = 'dev01';
export const DEVICE_SECRET = '0123456789abcdef0123456789abcdef';

export interface EmulatorDevice {
  readonly cloud: Emulator;
  readonly device: AliyunDevice;
  /** Another device of the same product, created (not started) on demand. */
  other(deviceName: string): AliyunDevice;
  close(): Promise<void>;
}

/** Resolves at the device's next `connected` state (the current one counts). */
export const connected = (device: AliyunDevice) =>
  firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));

/**
 * Starts an emulator that knows dev01 … dev03 of one product, and a device dev01 connected to it (fast
 * reconnects, so that a dropped connection comes back within a few tens of ms).
 */
export async function emulatorDevice(
  emulatorOptions: Partial<EmulatorOptions> = {},
  deviceOptions: Partial<DeviceOptions> = {},
): Promise<EmulatorDevice> {
  const names = ['dev01', 'dev02', 'dev03'];
  const cloud = await startEmulator({
    products: [
      {
        productKey: PRODUCT_KEY,
        devices: names.map((deviceName) => ({ deviceName, deviceSecret: DEVICE_SECRET })),
      },
    ],
    ...emulatorOptions,
  });
  const devices: AliyunDevice[] = [];
  const make = (deviceName: string, options: Partial<DeviceOptions> = {}) => {
    const made = createDevice({
      productKey: PRODUCT_KEY,
      deviceName,
      deviceSecret: DEVICE_SECRET,
      endpoint: { url: cloud.url },
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, jitter: 'none' },
      ...options,
    } as DeviceOptions);
    devices.push(made);
    return made;
  };
  const device = make(DEVICE_NAME, deviceOptions);
  device.start();
  await connected(device);
  return {
    cloud,
    device,
    other: (deviceName) => make(deviceName),
    async close() {
      await Promise.all(devices.map((d) => d.close()));
      await cloud.close();
    },
  };
}
