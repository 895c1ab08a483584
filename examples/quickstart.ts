/**
 * The seed's QuecPython program (shared/seed/quecpython-aliyun-sysbus.md) as one stream pipeline:
 * subscribe `/broadcast/${productKey}/123`, publish "hello world" there every 2 s while connected, answer
 * RRPC requests (`serveRrpc`), and, as a device of the thing model, post a property every 5 s (printing the
 * platform's reply) and serve the service `getStatus` that the cloud invokes. It syncs its clock over NTP at
 * start, and upgrades its firmware all the way when the cloud pushes one: download, verify, progress
 * reports, install, and the new version reported.
 *
 *   npm start                      # against the embedded emulator, until Ctrl-C
 *   npm start -- --duration 10     # stop by itself after 10 s
 *
 * With ALIYUN_PRODUCT_KEY, ALIYUN_DEVICE_NAME, ALIYUN_DEVICE_SECRET and ALIYUN_REGION (or ALIYUN_INSTANCE_ID)
 * set, the same pipeline runs against the real cloud instead.
 */
import { fold, isRight } from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BehaviorSubject,
  catchError,
  concatMap,
  distinctUntilChanged,
  EMPTY,
  filter,
  first,
  from,
  fromEvent,
  last,
  map,
  merge,
  mergeMap,
  of,
  share,
  switchMap,
  take,
  tap,
  timer,
} from 'rxjs';
import {
  aliyunStatusCode,
  classifyTopic,
  createDevice,
  createOta,
  createThing,
  ofKind,
  publishWhileConnected,
  serveRrpc,
  syncTime,
  type AliyunDevice,
  type ConnectionState,
  type DeviceOptions,
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

/** The real cloud when its credentials are in the environment, else a device registered at the emulator. */
async function deviceOptions(): Promise<{ options: DeviceOptions; cloud?: Emulator }> {
  const env = process.env;
  if (env.ALIYUN_PRODUCT_KEY && env.ALIYUN_DEVICE_NAME && env.ALIYUN_DEVICE_SECRET) {
    const endpoint = env.ALIYUN_INSTANCE_ID
      ? { instanceId: env.ALIYUN_INSTANCE_ID }
      : { region: env.ALIYUN_REGION ?? 'cn-shanghai' };
    const options = {
      productKey: env.ALIYUN_PRODUCT_KEY,
      deviceName: env.ALIYUN_DEVICE_NAME,
      deviceSecret: env.ALIYUN_DEVICE_SECRET,
      endpoint,
    };
    log(
      'setup',
      `real cloud: ${JSON.stringify(endpoint)}, device ${options.productKey}/${options.deviceName}`,
    );
    return { options };
  }
  const productKey = 'a1QuickStart';
  const deviceName = 'Chic_001';
  const deviceSecret = 'quickstart-secret-0123456789abcdef';
  // forwardDevicePublishes: the seed publishes to the topic it subscribes, and hears itself.
  const cloud = await startEmulator({
    products: [{ productKey, devices: [{ deviceName, deviceSecret }] }],
    forwardDevicePublishes: true,
  });
  log('setup', `embedded emulator on ${cloud.url}, device ${productKey}/${deviceName}`);
  return {
    options: { productKey, deviceName, deviceSecret, clientId: 'clientID', endpoint: { url: cloud.url } },
    cloud,
  };
}

/**
 * The cloud side, in the emulator only: once the device is online, an RRPC request, a call of the service
 * `getStatus` (InvokeThingService) and a firmware push (a 256 KiB image the emulator serves) now and then.
 */
function playCloud(cloud: Emulator, device: { productKey: string; deviceName: string }) {
  const rrpc$ = timer(1000, 5000).pipe(
    mergeMap(async (n) => {
      log('cloud', `RRPC request #${n + 1} →`);
      const reply = await cloud.rrpc(device, { method: 'thing.service.getStatus', params: {} });
      log('cloud', `RRPC reply   ← ${reply.toString()}`);
    }),
  );
  const service$ = timer(3500, 10000).pipe(
    mergeMap(async () => {
      log('cloud', 'InvokeThingService getStatus (sync, over RRPC) →');
      const reply = await cloud.invokeThingService(device, 'getStatus', {}, { callType: 'sync' });
      log('cloud', `service getStatus ← ${JSON.stringify(reply)}`);
    }),
  );
  const ota$ = timer(2500, 10000).pipe(
    mergeMap(async (n) => {
      const version = `1.0.${n + 1}`;
      const { url, size } = await cloud.pushOta(device, { version, image: randomBytes(256 * 1024) });
      log('cloud', `OTA push of firmware ${version} (${size} bytes at ${url}) →`);
    }),
  );
  const online$ = cloud.devices$.pipe(
    first((devices) => devices.some((d) => d.deviceName === device.deviceName)),
  );
  const received$ = cloud.received$.pipe(
    tap((m) => log('cloud', `received  ← ${m.topic} ${m.payload.toString()}`)),
  );
  return merge(online$.pipe(mergeMap(() => merge(rrpc$, service$, ota$))), received$);
}

/**
 * Firmware upgrades all the way: each firmware offered is downloaded and verified (progress reported to the
 * platform), installed (here, moved into place; a real device flashes it), and its version reported, now and
 * after every reconnect.
 */
async function firmwareUpgrades(device: AliyunDevice) {
  const dir = await mkdtemp(join(tmpdir(), 'quickstart-firmware-'));
  const ota = createOta(device, { progressIntervalMs: 500 });
  const running = new BehaviorSubject('1.0.0');
  const upgraded$ = ota.upgrades$.pipe(
    tap((offer) =>
      log(
        'device',
        isRight(offer)
          ? `OTA offer: firmware ${offer.right.version}, ${offer.right.size} bytes, ${offer.right.signMethod} ${offer.right.sign}`
          : `OTA push not understood: ${offer.left.messages.join('; ')}`,
      ),
    ),
    filter(isRight),
    map(({ right }) => right),
    concatMap((upgrade) => {
      const downloaded = join(dir, `${upgrade.version}.download`);
      return ota.download(upgrade, downloaded).pipe(
        ota.reportProgress(upgrade),
        last(),
        tap(() => log('device', `firmware ${upgrade.version} downloaded and verified`)),
        // The install step is the device's own: moving the image into place stands for flashing it.
        concatMap(() => from(rename(downloaded, join(dir, 'firmware.bin')))),
        tap(() => {
          log('device', `firmware ${upgrade.version} installed`);
          running.next(upgrade.version);
        }),
        catchError((error: unknown) => {
          log('device', `firmware ${upgrade.version} not installed: ${String(error)}`);
          return EMPTY;
        }),
      );
    }),
  );
  // Each version is reported now and after every reconnect; a newer one takes over.
  const informed$ = running.pipe(
    distinctUntilChanged(),
    switchMap((version) =>
      ota
        .inform(version)
        .pipe(tap((result) => isRight(result) && log('device', `firmware version ${version} reported`))),
    ),
  );
  return {
    upgrades$: merge(upgraded$, informed$),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function main() {
  const duration = durationArg();
  const { options, cloud } = await deviceOptions();
  const device = createDevice(options);
  const { productKey } = device;
  const broadcast = `/broadcast/${productKey}/123`;

  const classified$ = device.messages$.pipe(
    classifyTopic({
      // Served by serveRrpc, the thing and the OTA service below, which handle each message themselves.
      served: [
        '/sys/+pk/+dn/rrpc/request/+',
        '/ext/rrpc/#',
        '/sys/+pk/+dn/thing/#',
        '/ota/device/upgrade/#',
        '/ext/ntp/#',
      ],
      other: '#',
    }),
    share(),
  );

  // RRPC is served: each request is answered within 8 s on its own message id, and gives one outcome.
  const rrpc$ = serveRrpc(device, ({ messageId, payload }) => {
    log('device', `RRPC request ${messageId}: ${payload.toString()}`);
    return of({ id: messageId, code: 200, data: { status: 'ok' } });
  }).pipe(
    tap((outcome) =>
      log(
        'device',
        outcome._tag === 'Answered'
          ? `RRPC reply sent on ${device.topics.rrpcResponse(outcome.id)} (${outcome.latencyMs} ms)`
          : `RRPC request ${outcome.id ?? ''} not answered: ${outcome._tag}`,
      ),
    ),
  );

  // The thing model: a property posted every 5 s while connected, each with the platform's reply, and the
  // service getStatus served (the cloud calls it over RRPC).
  const thing = createThing(device);
  const posts$ = device.state$.pipe(
    map((state) => state.status === 'connected'),
    distinctUntilChanged(),
    switchMap((connected) => (connected ? timer(1500, 5000) : EMPTY)),
    concatMap(() => thing.postProperties({ temperature: Math.round(200 + Math.random() * 50) / 10 })),
    tap((result) =>
      log(
        'device',
        isRight(result)
          ? `property post ← ${JSON.stringify(result.right)}`
          : `property post failed: ${result.left._tag}${result.left._tag === 'ReplyFailure' ? ` ${result.left.code}` : ''}`,
      ),
    ),
  );
  const status$ = thing
    .serveService('getStatus', () => of({ status: 'ok', uptimeMs: Date.now() - started }))
    .pipe(tap((outcome) => log('device', `service getStatus: ${outcome._tag}`)));

  const firmware = await firmwareUpgrades(device);
  const clock$ = syncTime(device).pipe(
    tap((result) =>
      log(
        'device',
        isRight(result)
          ? `clock synced over NTP: platform time ${new Date(result.right.platformTime).toISOString()}, offset ${result.right.offsetMs} ms, round trip ${result.right.roundTripMs} ms`
          : `NTP failed: ${result.left._tag}`,
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
      message: { topic: broadcast, payload: 'hello world' },
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
    // The seed subscribes its topic.
    device.observe(broadcast),
    clock$,
    firmware.upgrades$,
    rrpc$,
    posts$,
    status$,
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
  await firmware.close();
  log('setup', 'stopped cleanly');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
