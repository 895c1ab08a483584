// Test support: an emulator that knows a gateway and one sub-device, the gateway connected to it, and the
// sub-device logged in over its connection on demand; everything closed by `close()`.
import * as E from 'fp-ts/Either';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { createGateway, type SubDeviceSecret } from '../../lib/alink/createGateway';
import type { SubDevice } from '../../lib/alink/subDevice';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type EmulatedProduct, type Emulator } from '../../lib/emulator';
import { connected } from './emulatorDevice';

export const GATEWAY = { productKey: 'a1GatewayPK', deviceName: 'gw01', deviceSecret: 'gateway-secret-0123' };
export const SENSOR: SubDeviceSecret = {
  productKey: 'a1SubPK0001',
  deviceName: 's01',
  deviceSecret: 'sub-s01',
};

export interface GatewayEmulator {
  readonly cloud: Emulator;
  /** The gateway, connected. */
  readonly device: AliyunDevice;
  /** Adds the sensor to the gateway's topology and logs it in; resolves once its session is up. */
  loggedIn(): Promise<SubDevice>;
  close(): Promise<void>;
}

/** Starts the emulator and connects the gateway; `sensorProduct` adds to the sensor's product (a `dataParser`). */
export async function gatewayEmulator(
  sensorProduct: Partial<EmulatedProduct> = {},
): Promise<GatewayEmulator> {
  const cloud = await startEmulator({
    products: [
      { productKey: GATEWAY.productKey, devices: [GATEWAY] },
      {
        productKey: SENSOR.productKey,
        devices: [{ deviceName: SENSOR.deviceName, deviceSecret: SENSOR.deviceSecret }],
        ...sensorProduct,
      },
    ],
  });
  const device = createDevice({ ...GATEWAY, endpoint: { url: cloud.url }, checkNamespace: false });
  device.start();
  await connected(device);
  const sessions: Subscription[] = [];
  return {
    cloud,
    device,
    async loggedIn() {
      const gateway = createGateway(device);
      await lastValueFrom(gateway.addTopology([SENSOR]));
      const sub = gateway.subDevice(SENSOR);
      sessions.push(sub.session().subscribe());
      const session = await firstValueFrom(sub.session());
      if (E.isLeft(session)) throw new Error(`the sensor did not log in: ${session.left._tag}`);
      return sub;
    },
    async close() {
      sessions.splice(0).forEach((s) => s.unsubscribe());
      await device.close();
      await cloud.close();
    },
  };
}
