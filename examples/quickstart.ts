/**
 * The seed's QuecPython program (shared/seed/quecpython-aliyun-sysbus.md) as one stream pipeline, with the
 * seed's configuration: a product secret and no device secret, so the device registers itself (dynamic
 * registration) the first time and keeps its secret in a file. It subscribes `/broadcast/${productKey}/123`,
 * publishes "hello world" every 2 s while connected, classifies every inbound message into rrpc / ota / other
 * and answers each.
 *
 *   npm start                      # against the embedded emulator, until Ctrl-C
 *   npm start -- --duration 10     # stop by itself after 10 s
 *
 * The secrets are kept under `.data/quickstart/` (or QUICKSTART_DATA): the device's in `device-secret.json`,
 * the emulator's registry in `emulator-registry.json`. Delete the folder to register again.
 *
 * With ALIYUN_PRODUCT_KEY, ALIYUN_DEVICE_NAME and ALIYUN_PRODUCT_SECRET (or ALIYUN_DEVICE_SECRET), and
 * ALIYUN_REGION (or ALIYUN_INSTANCE_ID) set, the same pipeline runs against the real cloud instead.
 */
import { fold } from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { join, resolve } from 'node:path';
import {
  EMPTY,
  filter,
  first,
  from,
  fromEvent,
  lastValueFrom,
  map,
  merge,
  mergeMap,
  pairwise,
  share,
  take,
  tap,
  timer,
} from 'rxjs';
import {
  aliyunStatusCode,
  classifyTopic,
  createDevice,
  decodeJson,
  fileSecretStore,
  ofKind,
  OtaPush,
  otaProgress,
  publishWhileConnected,
  type ConnectionState,
  type DeviceOptions,
  type OutboundMessage,
} from '../lib';
import { startEmulator, type Emulator } from '../lib/emulator';

const started = Date.now();
const log = (who: string, text: string) =>
  console.log(`${`+${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7)}  ${who.padEnd(6)} ${text}`);

function durationArg(): number | undefined {
  const at = process.argv.indexOf('--duration');
  const value = at >= 0 ? Number(process.argv[at + 1]) : undefined;
  if (value !== undefined && !(value > 0)) throw new Error('--duration takes a number of seconds > 0');
  return value;
}

function describe(state: ConnectionState): string {
  const code = `(getAliyunSta ${aliyunStatusCode(state)})`;
  switch (state.status) {
    case 'connecting':
      return `connecting, attempt ${state.attempt} ${code}`;
    case 'registering':
      return `registering with the product secret, attempt ${state.attempt} ${code}`;
    case 'connected':
      return `connected, session present: ${state.sessionPresent} ${code}`;
    case 'reconnecting':
      return `reconnecting in ${state.delayMs} ms (attempt ${state.attempt}): ${String(state.error)} ${code}`;
    case 'closed':
      return `closed${state.error ? `: ${String(state.error)}` : ''} ${code}`;
    default:
      return `${state.status} ${code}`;
  }
}

/** Where the secrets are kept between runs. */
const dataFolder = resolve(process.env.QUICKSTART_DATA ?? join(__dirname, '..', '.data', 'quickstart'));
const deviceSecrets = join(dataFolder, 'device-secret.json');

/** The real cloud when its credentials are in the environment, else the embedded emulator. */
async function deviceOptions(): Promise<{ options: DeviceOptions; cloud?: Emulator }> {
  const env = process.env;
  const { ALIYUN_PRODUCT_KEY: productKey, ALIYUN_DEVICE_NAME: deviceName } = env;
  const secret = env.ALIYUN_DEVICE_SECRET
    ? { deviceSecret: env.ALIYUN_DEVICE_SECRET }
    : env.ALIYUN_PRODUCT_SECRET
      ? { productSecret: env.ALIYUN_PRODUCT_SECRET, secretStore: fileSecretStore(deviceSecrets) }
      : undefined;
  if (productKey && deviceName && secret) {
    const endpoint = env.ALIYUN_INSTANCE_ID
      ? { instanceId: env.ALIYUN_INSTANCE_ID }
      : { region: env.ALIYUN_REGION ?? 'cn-shanghai' };
    log('setup', `real cloud: ${JSON.stringify(endpoint)}, device ${productKey}/${deviceName}`);
    return { options: { productKey, deviceName, ...secret, endpoint } };
  }
  // The seed's product, with dynamic registration switched on and its device created in the console, and a
  // rule that republishes what devices publish on their custom topic to the product's topic broadcast, as
  // the platform's rules engine can: the seed hears its own "hello world" on /broadcast/pk/123.
  const quickstart = {
    productKey: 'a1QuickStart',
    deviceName: 'Chic_001',
    productSecret: 'mj7qKfEn73y07gyK',
  };
  const cloud = await startEmulator({
    products: [
      {
        productKey: quickstart.productKey,
        productSecret: quickstart.productSecret,
        dynamicRegistration: true,
        devices: [{ deviceName: quickstart.deviceName }],
      },
    ],
    secretStore: fileSecretStore(join(dataFolder, 'emulator-registry.json')),
    forwardingRules: [
      { from: `/${quickstart.productKey}/+/user/update`, to: `/broadcast/${quickstart.productKey}/123` },
    ],
  });
  log(
    'setup',
    `embedded emulator on ${cloud.urls.mqtts}, device ${quickstart.productKey}/${quickstart.deviceName}`,
  );
  const options: DeviceOptions = {
    ...quickstart,
    secretStore: fileSecretStore(deviceSecrets),
    clientId: 'clientID',
    endpoint: { url: cloud.urls.mqtts },
    tls: { ca: cloud.ca },
  };
  return { options, cloud };
}

/** Says whether this run registers or uses the secret a run before kept. */
async function announceSecret(options: DeviceOptions): Promise<void> {
  if (options.deviceSecret !== undefined || options.secretStore === undefined) return;
  const kept = await lastValueFrom(from(options.secretStore.load(options)), { defaultValue: undefined });
  log(
    'setup',
    kept === undefined
      ? `no device secret kept yet: the device registers with its product secret (dynamic registration)`
      : `using the device secret kept in ${deviceSecrets}`,
  );
}

/** The cloud side, in the emulator only: once the device is online, an RRPC request and an OTA push now and then. */
function playCloud(cloud: Emulator, device: { productKey: string; deviceName: string }) {
  const rrpc$ = timer(1000, 5000).pipe(
    mergeMap(async (n) => {
      log('cloud', `RRPC request #${n + 1} →`);
      const reply = await cloud.rrpc(device, { method: 'thing.service.getStatus', params: {} });
      log('cloud', `RRPC reply   ← ${reply.toString()}`);
    }),
  );
  const ota$ = timer(2500, 10000).pipe(
    mergeMap(async (n) => {
      const version = `1.0.${n + 1}`;
      log('cloud', `OTA push of firmware ${version} →`);
      await cloud.pushOta(device, { version });
    }),
  );
  const online$ = cloud.devices$.pipe(
    first((devices) => devices.some((d) => d.deviceName === device.deviceName)),
  );
  const received$ = cloud.received$.pipe(
    tap((m) => log('cloud', `received  ← ${m.topic} ${m.payload.toString()}`)),
  );
  return merge(online$.pipe(mergeMap(() => merge(rrpc$, ota$))), received$);
}

async function main() {
  const duration = durationArg();
  const { options, cloud } = await deviceOptions();
  await announceSecret(options);
  const device = createDevice(options);
  const { productKey } = device;
  const broadcast = `/broadcast/${productKey}/123`;
  // A device may only subscribe to its product's broadcast topic: it publishes on its custom topic, which
  // the emulator's rule (or one of your rules engine) republishes to the broadcast.
  const hello = device.topics.userTopic('update');

  const classified$ = device.messages$.pipe(
    classifyTopic({
      rrpc: ['/sys/+pk/+dn/rrpc/request/+messageId', '/ext/rrpc/+messageId/#topic'],
      ota: '/ota/device/upgrade/+pk/+dn',
      other: '#',
    }),
    share(),
  );

  // Each handler turns a message into the reply to publish; one publishAll sends them all and reports each
  // result as a value, so a failed reply is logged and never ends the app.
  const rrpcReplies$ = classified$.pipe(
    ofKind('rrpc'),
    map(({ params, message }): OutboundMessage => {
      const id = params.messageId ?? '';
      log('device', `RRPC request ${id}: ${message.payload.toString()}`);
      // System RRPC answers on its response topic; custom RRPC (/ext/rrpc/…) on the topic it came on.
      const topic = params.topic === undefined ? device.topics.rrpcResponse(id) : message.topic;
      return { topic, payload: { id, code: 200, data: { status: 'ok' } } };
    }),
  );

  const otaAcks$ = classified$.pipe(
    ofKind('ota'),
    map(({ message }) => message),
    decodeJson(OtaPush),
    mergeMap((decoded) =>
      pipe(
        decoded,
        fold(
          (error): OutboundMessage[] => {
            log('device', `OTA push not understood: ${error.messages.join('; ')}`);
            return [];
          },
          ({ value }): OutboundMessage[] => {
            log('device', `OTA push: firmware ${value.data.version} at ${value.data.url}`);
            const payload = otaProgress(value.id, '0', `accepted firmware ${value.data.version}`);
            return [{ topic: device.topics.otaProgress, payload, qos: 1 }];
          },
        ),
      ),
    ),
  );

  const replies$ = merge(rrpcReplies$, otaAcks$).pipe(
    device.publishAll(),
    tap((result) =>
      pipe(
        result,
        fold(
          (failure) => log('device', `reply on ${failure.topic} failed: ${failure.error.message}`),
          (receipt) =>
            log(
              'device',
              `${receipt.topic.startsWith('/ota/') ? 'OTA progress' : 'RRPC reply'} sent on ${receipt.topic}`,
            ),
        ),
      ),
    ),
  );

  const other$ = classified$.pipe(
    ofKind('other', 'unmatched'),
    tap(({ message }) =>
      log('device', `Subscribe Recv: Topic=${message.topic}, Msg=${message.payload.toString()}`),
    ),
  );

  const hello$ = device.state$.pipe(
    map((state) => state.status === 'connected'),
    publishWhileConnected({
      periodMs: 2000,
      message: { topic: hello, payload: 'hello world' },
      publish: (message) => device.publish(message),
    }),
    tap((result) =>
      pipe(
        result,
        fold(
          (failure) => log('device', `publish failed after retries: ${String(failure.error)}`),
          (receipt) => log('device', `published "hello world" on ${receipt.topic}`),
        ),
      ),
    ),
  );

  const stop$ = merge(
    fromEvent(process, 'SIGINT'),
    fromEvent(process, 'SIGTERM'),
    duration === undefined ? EMPTY : timer(duration * 1000),
  ).pipe(take(1));

  const app = merge(
    device.state$.pipe(tap((state) => log('device', describe(state)))),
    device.state$.pipe(
      pairwise(),
      filter(([before, now]) => before.status === 'registering' && now.status === 'connecting'),
      tap(() => log('device', `registered: the device secret is kept in ${deviceSecrets}`)),
    ),
    // The seed subscribes its topic; a device also subscribes its OTA topic to hear firmware pushes.
    device.observe(broadcast),
    device.observe(device.topics.otaUpgrade, { qos: 1 }),
    replies$,
    other$,
    hello$,
    cloud ? playCloud(cloud, device) : EMPTY,
  ).subscribe({ error: (error: unknown) => log('error', String(error)) });

  device.start();
  await new Promise<void>((resolve) => stop$.subscribe(() => resolve()));
  log('setup', 'stopping');
  await device.close();
  app.unsubscribe();
  await cloud?.close();
  log('setup', 'stopped cleanly');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
