/**
 * The seed's QuecPython program (shared/seed/quecpython-aliyun-sysbus.md) as one stream pipeline:
 * subscribe `/broadcast/${productKey}/123`, publish "hello world" there every 2 s while connected, answer
 * RRPC requests (`serveRrpc`) and OTA pushes, and, as a device of the thing model, post a property every
 * 5 s (printing the platform's reply) and serve the service `getStatus` that the cloud invokes.
 *
 *   npm start                      # against the embedded emulator, until Ctrl-C
 *   npm start -- --duration 10     # stop by itself after 10 s
 *
 * With ALIYUN_PRODUCT_KEY, ALIYUN_DEVICE_NAME, ALIYUN_DEVICE_SECRET and ALIYUN_REGION (or ALIYUN_INSTANCE_ID)
 * set, the same pipeline runs against the real cloud instead.
 */
import { fold, isRight } from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import {
  concatMap,
  distinctUntilChanged,
  EMPTY,
  first,
  fromEvent,
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
  createThing,
  decodeJson,
  ofKind,
  OtaPush,
  otaProgress,
  publishWhileConnected,
  serveRrpc,
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
 * `getStatus` (InvokeThingService) and an OTA push now and then.
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
  return merge(online$.pipe(mergeMap(() => merge(rrpc$, service$, ota$))), received$);
}

async function main() {
  const duration = durationArg();
  const { options, cloud } = await deviceOptions();
  const device = createDevice(options);
  const { productKey } = device;
  const broadcast = `/broadcast/${productKey}/123`;

  const classified$ = device.messages$.pipe(
    classifyTopic({
      // Served by serveRrpc and by the thing below, which reply to each request themselves.
      served: ['/sys/+pk/+dn/rrpc/request/+', '/ext/rrpc/#', '/sys/+pk/+dn/thing/#'],
      ota: '/ota/device/upgrade/+pk/+dn',
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

  // Each handler turns a message into the reply to publish; one publishAll sends them all and reports each
  // result as a value, so a failed reply is logged and never ends the app.
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

  const replies$ = otaAcks$.pipe(
    device.publishAll(),
    tap((result) =>
      pipe(
        result,
        fold(
          (failure) => log('device', `reply on ${failure.topic} failed: ${failure.error.message}`),
          (receipt) => log('device', `OTA progress sent on ${receipt.topic}`),
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
    // The seed subscribes its topic; a device also subscribes its OTA topic to hear firmware pushes.
    device.observe(broadcast),
    device.observe(device.topics.otaUpgrade, { qos: 1 }),
    rrpc$,
    posts$,
    status$,
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
