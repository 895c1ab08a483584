// What every smoke project runs, compiled or transformed the way that project's users would: a device
// against the emulator, from the installed tarball. Prints one line per step; exits non-zero on a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classifyTopic,
  createDevice,
  fileSecretStore,
  matchTopic,
  ofKind,
  type ConnectionState,
  type InboundMessage,
} from 'rx-aliyun-iot';
import { startEmulator, type Emulator } from 'rx-aliyun-iot/emulator';
import { filter, firstValueFrom, Observable, take, takeWhile, timeout, toArray } from 'rxjs';

const productKey = 'a1SmokePK01';
const deviceName = 'smoke01';
const deviceSecret = 'smoke-secret';
const productSecret = 'smoke-product-secret';
const folder = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-smoke-secrets-'));

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`smoke: ${what}`);
  console.log(`ok ${what}`);
}

/**
 * The seed's configuration: a product secret and no device secret. The device registers over mqtts (the
 * emulator's CA), keeps the secret in a file, and logs in with it; the next start uses the file.
 */
async function registers(cloud: Emulator, secrets: string): Promise<ConnectionState['status'][]> {
  const device = createDevice({
    productKey,
    deviceName: 'smoke02',
    productSecret,
    secretStore: fileSecretStore(secrets),
    endpoint: { url: cloud.urls.mqtts },
    tls: { ca: cloud.ca },
  });
  try {
    const states = firstValueFrom(
      device.state$.pipe(
        filter((s) => s.status !== 'idle'),
        takeWhile((s) => s.status !== 'connected' && s.status !== 'closed', true),
        toArray(),
        timeout(10_000),
      ),
    );
    device.start();
    return (await states).map((s) => s.status);
  } finally {
    await device.close();
  }
}

async function main(): Promise<void> {
  check(matchTopic('/sys/+/+/thing/#', '/sys/pk/dn/thing/event/property/post'), 'matchTopic');
  const cloud = await startEmulator({
    products: [
      {
        productKey,
        productSecret,
        dynamicRegistration: true,
        devices: [{ deviceName, deviceSecret }, { deviceName: 'smoke02' }],
      },
    ],
    port: undefined,
    host: undefined,
  });
  // Optional fields given as undefined, as code with exactOptionalPropertyTypes may write them.
  const device = createDevice({
    productKey,
    deviceName,
    deviceSecret,
    endpoint: { url: cloud.url },
    clientId: undefined,
    signMethod: undefined,
    reconnect: { maxRetries: undefined, jitter: undefined },
    offlineQueue: { limit: undefined, overflow: undefined },
    keepalive: undefined,
  });
  try {
    check(device.state$ instanceof Observable, "state$ is an Observable of the app's own rxjs");
    device.start();
    await firstValueFrom(
      device.state$.pipe(
        filter((s) => s.status === 'connected'),
        timeout(10_000),
      ),
    );
    check(true, 'connected to the emulator');

    const heard = firstValueFrom(cloud.received$.pipe(take(1), timeout(10_000)));
    const receipt = await firstValueFrom(
      device.publish({ topic: `/${productKey}/${deviceName}/user/update`, payload: { n: 1 }, qos: 1 }),
    );
    check(receipt.qos === 1 && (await heard).payload.toString() === '{"n":1}', 'published, QoS 1');

    const subscribed = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe'),
        timeout(10_000),
      ),
    );
    const routed = firstValueFrom(
      device
        .observe(`/${productKey}/${deviceName}/user/get`, { qos: undefined })
        .pipe(classifyTopic({ get: '/+pk/+dn/user/get' }), ofKind('get'), timeout(10_000)),
    );
    await subscribed;
    await cloud.publish(`/${productKey}/${deviceName}/user/get`, 'hello', { qos: 1 });
    const { message, params }: { message: InboundMessage; params: Record<string, string> } = await routed;
    check(message.payload.toString() === 'hello' && params['dn'] === deviceName, 'received and classified');

    const secrets = join(folder, 'secrets.json');
    const first = await registers(cloud, secrets);
    check(
      first.join() === 'connecting,registering,connecting,connected',
      'registered over mqtts, secret kept in a file',
    );
    const next = await registers(cloud, secrets);
    check(next.join() === 'connecting,connected', 'logged in with the kept secret, no registration');
  } finally {
    await device.close();
    await cloud.close();
    rmSync(folder, { recursive: true, force: true });
  }
  console.log('smoke ok');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
