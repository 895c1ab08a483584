// Device diagnostics measured on real connections: a device of this library against the emulator.
import type { IClientOptions } from 'mqtt';
import {
  filter,
  firstValueFrom,
  lastValueFrom,
  ReplaySubject,
  Subject,
  takeUntil,
  toArray,
  type Subscription,
} from 'rxjs';
import { createGateway } from '../../lib/alink/createGateway';
import { reportDiagnostics, type DiagnosticReport } from '../../lib/alink/reportDiagnostics';
import { watchDiagnostics, type DiagnosticMeasurement } from '../../lib/alink/watchDiagnostics';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { connected, DEVICE_NAME, DEVICE_SECRET, PRODUCT_KEY } from '../support/emulatorDevice';
import { gatewayEmulator, SENSOR, type GatewayEmulator } from '../support/gatewayEmulator';

type DiagnosticEvent = Extract<EmulatorEvent, { type: 'diagnostic' }>;

/**
 * MQTT.js's keepalive timer, 15 times faster: with the shortest keepalive the platform allows (30 s), the
 * device pings after 2 s of silence instead of 30 (MQTT.js checks every half keepalive and pings at the
 * second check), and gives the link up when a third check comes with no answer, 1 s after the ping.
 */
function fastKeepalive(): NonNullable<IClientOptions['timerVariant']> {
  const intervals = new Map<number, NodeJS.Timeout>();
  let last = 0;
  return {
    set: (run: () => void, ms: number) => {
      last += 1;
      intervals.set(last, setInterval(run, ms / 15));
      return last;
    },
    clear: (id: number) => {
      clearInterval(intervals.get(id));
      intervals.delete(id);
    },
  } as NonNullable<IClientOptions['timerVariant']>;
}

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

  describe('with PINGRESPs held by the emulator', () => {
    let device: AliyunDevice;
    let watching: Subscription | undefined;
    beforeEach(async () => {
      device = createDevice(
        {
          productKey: PRODUCT_KEY,
          deviceName: DEVICE_NAME,
          deviceSecret: DEVICE_SECRET,
          endpoint: { url: cloud.url },
          keepalive: 30,
        },
        { clientOptions: { timerVariant: fastKeepalive() } },
      );
      device.start();
      await connected(device);
    });
    afterEach(async () => {
      watching?.unsubscribe();
      await device.close();
    });

    it('should time the heartbeat round trip the emulator held, and report it to the emulator', async () => {
      const seen = new ReplaySubject<DiagnosticEvent>();
      cloud.events$
        .pipe(filter((e): e is DiagnosticEvent => e.type === 'diagnostic'))
        .subscribe((e) => seen.next(e));
      // Held 300 ms: past the 100 ms warning, and far from the 60 s fatal threshold and from the 1 s after
      // which the device would give the link up.
      cloud.setDeviceLatency(device, { pingResponseMs: 300 });
      const states: string[] = [];
      device.state$.subscribe((state) => states.push(state.status));
      const heartbeat = { warningMs: 100, fatalMs: 60_000 };
      const measured = firstValueFrom(watchDiagnostics(device, { connect: false, heartbeat, uplink: false }));
      const reports = new ReplaySubject<DiagnosticReport>();
      watching = reportDiagnostics(device, { connect: false, heartbeat, uplink: false }).subscribe(reports);

      const measurement: DiagnosticMeasurement = await measured;
      expect(measurement).toEqual({
        item: 'heartbeat',
        level: 'warning',
        elapsedMs: expect.any(Number),
        completed: true,
      });
      // At least what the emulator held it for (the clock read to the millisecond).
      expect(measurement.elapsedMs).toBeGreaterThanOrEqual(299);

      // The other end: the report arrives as the Link SDK's heartbeat entry, read into a diagnostic event.
      const event = await firstValueFrom(seen);
      expect(event.diagnostic).toMatchObject({ kind: 'alert', item: 'heartbeat', level: 'warning' });
      const reported = (event.diagnostic as { elapsedMs: number }).elapsedMs;
      expect(reported).toBeGreaterThanOrEqual(299);
      expect(cloud.queryDeviceDiagnostics(device)).toEqual({ heartbeat: event.diagnostic });
      expect(cloud.queryDeviceLogs(device)).toEqual([
        expect.objectContaining({
          module: 'DiagMqttHeartbeat',
          code: '32',
          logLevel: 'WARN',
          logContent: `MQTT lost heartbeat 1 times in ${reported} ms`,
        }),
      ]);
      // And the link held: the device never gave it up while it waited.
      expect(states).toEqual(['connected']);
    });
  });
});

describe('watchDiagnostics of a sub-device against the emulator', () => {
  let rig: GatewayEmulator;
  let session: Subscription | undefined;
  beforeEach(async () => (rig = await gatewayEmulator()));
  afterEach(async () => {
    session?.unsubscribe();
    await rig.close();
  });

  it('should time the sub-device’s login through its gateway as its connect', async () => {
    const { cloud, device } = rig;
    const gateway = createGateway(device);
    await lastValueFrom(gateway.addTopology([SENSOR]));
    const sensor = gateway.subDevice(SENSOR);
    // The login's reply held 200 ms, long after the gateway's own connection was up.
    cloud.setDeviceLatency(device, { alinkReplyMs: 200 });
    const loggedIn = new Subject<void>();
    const measured = lastValueFrom(
      watchDiagnostics(sensor, {
        connect: { warningMs: 100, fatalMs: 60_000 },
        heartbeat: false,
        uplink: false,
      }).pipe(takeUntil(loggedIn), toArray()),
    );
    session = sensor.session().subscribe(() => loggedIn.next());
    const measurements = await measured;
    expect(measurements).toEqual([
      { item: 'connect', level: 'warning', elapsedMs: expect.any(Number), completed: true },
    ]);
    // At least what the emulator held the login's reply for (the clock read to the millisecond).
    expect(measurements[0]?.elapsedMs).toBeGreaterThanOrEqual(199);
  });
});
