/**
 * A gateway and two sensors behind it, against the embedded emulator:
 *
 *   npx tsx examples/gateway.ts
 *
 * The gateway adds the sensors to its topology, keeps them logged in over its own connection, and each sensor
 * uses the thing model as a device of its own: it posts its temperature, and one takes a property set from
 * the cloud; then the gateway posts both sensors' readings in one pack. Then the gateway's connection drops; the platform forgets the sensors' logins, and their
 * sessions log them in again once the gateway is back.
 */
import * as E from 'fp-ts/Either';
import { concatMap, filter, firstValueFrom, lastValueFrom, merge, of, take, toArray } from 'rxjs';
import { createDevice, createGateway, createThing } from '../lib';
import { startEmulator } from '../lib/emulator';

const gatewayIdentity = {
  productKey: 'a1GwDemo001',
  deviceName: 'gateway1',
  deviceSecret: 'gateway-demo-secret',
};
const sensors = ['sensor1', 'sensor2'].map((deviceName) => ({
  productKey: 'a1SensorDem',
  deviceName,
  deviceSecret: `${deviceName}-demo-secret`,
}));
const log = (who: string, text: string) => console.log(`${who.padEnd(8)} ${text}`);

async function main() {
  const cloud = await startEmulator({
    products: [
      { productKey: gatewayIdentity.productKey, devices: [gatewayIdentity] },
      { productKey: 'a1SensorDem', devices: sensors },
    ],
  });
  const events = cloud.events$.subscribe((event) => {
    if (event.type === 'sub-device-login') log('cloud', `${event.device.deviceName} logged in`);
    if (event.type === 'sub-device-logout')
      log('cloud', `${event.device.deviceName} logged out (${event.reason})`);
  });
  const device = createDevice({
    ...gatewayIdentity,
    endpoint: { url: cloud.url },
    checkNamespace: false, // it publishes on its sensors' topics
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
  });
  const gateway = createGateway(device);
  device.start();

  const added = await lastValueFrom(gateway.addTopology(sensors));
  if (E.isLeft(added)) throw new Error(`topology not added: ${added.left._tag}`);
  log('gateway', `topology: ${added.right.map((s) => s.deviceName).join(', ')}`);

  const [sensor1, sensor2] = sensors.map((credentials) => gateway.subDevice(credentials));
  const thermostat = createThing(sensor2!);
  // Logged in while subscribed, again after every reconnect of the gateway.
  const sessions = merge(sensor1!.session(), sensor2!.session()).subscribe();
  const serving = thermostat
    .serveProperties((values) => {
      log('sensor2', `set by the cloud: ${JSON.stringify(values)}`);
      return of({});
    })
    .subscribe();
  await firstValueFrom(sensor2!.session().pipe(filter(E.isRight)));
  await firstValueFrom(sensor1!.session().pipe(filter(E.isRight)));

  for (const [sensor, temp] of [
    [sensor1!, 21.5],
    [sensor2!, 19],
  ] as const) {
    const posted = await lastValueFrom(createThing(sensor).postProperties({ temp }));
    log(sensor.deviceName, E.isRight(posted) ? `posted temp ${temp}` : `post failed: ${posted.left._tag}`);
  }
  // One message for both: the gateway's pack post (thing.event.property.pack.post).
  const packed = await lastValueFrom(
    createThing(device).postPack({
      subDevices: sensors.map((sensor, index) => ({ identity: sensor, properties: { temp: 22 + index } })),
    }),
  );
  log('gateway', E.isRight(packed) ? 'packed both temps' : `pack failed: ${packed.left._tag}`);
  for (const sensor of sensors) {
    const temp = cloud.queryDevicePropertyStatus(sensor).find((p) => p.identifier === 'temp');
    log('cloud', `${sensor.deviceName} temp ${String(temp?.value)}`);
  }
  const reply = await cloud.setDeviceProperty(sensor2!, { target: 20 });
  log('cloud', `property set on sensor2 answered ${reply.code}`);

  // The gateway's connection drops: both sensors come back with it.
  const back = firstValueFrom(
    cloud.events$.pipe(
      filter((event) => event.type === 'sub-device-login'),
      take(2),
      toArray(),
      concatMap(() => of('both back')),
    ),
  );
  log('cloud', 'dropping the gateway');
  await cloud.disconnect(gatewayIdentity);
  log('gateway', await back);

  // Leaving the sessions logs the sensors out, before the gateway disconnects.
  const loggedOut = firstValueFrom(
    cloud.events$.pipe(
      filter((event) => event.type === 'sub-device-logout' && event.reason === 'logout'),
      take(2),
      toArray(),
    ),
  );
  sessions.unsubscribe();
  await loggedOut;
  serving.unsubscribe();
  await device.close();
  events.unsubscribe();
  await cloud.close();
  log('setup', 'done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
