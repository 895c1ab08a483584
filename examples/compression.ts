/**
 * Message compression against the embedded emulator, which plays the platform's side:
 *
 *   npx tsx examples/compression.ts
 *
 * The device declares that it posts properties gzip and takes property sets gzip, then posts a day of
 * readings and serves a set, both through createThing over compressedDevice: the thing sees JSON, the
 * wire carries gzip, and the cloud keeps plain values.
 */
import * as E from 'fp-ts/Either';
import { firstValueFrom, lastValueFrom, of } from 'rxjs';
import { compressedDevice, createDevice, createThing, declareCompression } from '../lib';
import { startEmulator } from '../lib/emulator';

const identity = { productKey: 'a1Zip000001', deviceName: 'meter1', deviceSecret: 'zip-demo-secret' };
const log = (who: string, text: string) => console.log(`${who.padEnd(7)} ${text}`);

async function main() {
  const cloud = await startEmulator({ products: [{ productKey: identity.productKey, devices: [identity] }] });
  const device = createDevice({ ...identity, endpoint: { url: cloud.url } });
  const { propertyPost, propertySet } = device.topics;
  // The size of each post and set on the wire.
  const wire = device.packets$.subscribe((packet) => {
    if (packet.type === 'publish' && (packet.topic === propertyPost || packet.topic === propertySet))
      log('wire', `${packet.topic.split('/').slice(-2).join('/')}: ${packet.bytes} bytes`);
  });
  device.start();

  const compression = { uplink: [propertyPost], downlink: [propertySet] };
  const declared = await firstValueFrom(declareCompression(device, compression));
  log(
    'device',
    E.isRight(declared) ? 'declared: posts and sets go gzip' : `not declared: ${declared.left._tag}`,
  );

  const thing = createThing(compressedDevice(device, compression));
  const serving = thing
    .serveProperties((values) => {
      log('device', `set ${Object.keys(values).join(' and ')}`);
      return of({});
    })
    .subscribe();

  const readings = Array.from({ length: 96 }, (_, n) => 20 + (n % 8) / 2);
  const posted = await lastValueFrom(thing.postProperties({ readings }));
  log(
    'device',
    `posted ${readings.length} readings (${JSON.stringify(readings).length} bytes of JSON): ${E.isRight(posted) ? 'ok' : posted.left._tag}`,
  );
  const [kept] = cloud.queryDevicePropertyStatus(identity);
  log('cloud', `keeps ${kept?.identifier}: ${(kept?.value as number[]).length} numbers`);

  const reply = await cloud.setDeviceProperty(identity, {
    mode: 'eco',
    note: 'compressed '.repeat(20).trim(),
  });
  log('cloud', `set answered ${reply.code}`);

  serving.unsubscribe();
  wire.unsubscribe();
  await device.close();
  await cloud.close();
  log('setup', 'done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
