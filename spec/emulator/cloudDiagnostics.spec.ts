// The cloud side of device diagnostics over real sockets: diag reports as the Link SDK for C posts them,
// network status posted by this library's device, and what the emulator keeps of each.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject } from 'rxjs';
import { postNetworkStatus } from '../../lib/alink/postNetworkStatus';
import type { EmulatorEvent } from '../../lib/emulator';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

type DiagnosticEvent = Extract<EmulatorEvent, { type: 'diagnostic' }>;

describe('cloudDiagnostics', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  const diagnostics = () => {
    const seen = new ReplaySubject<DiagnosticEvent>();
    rig.cloud.events$.pipe(filter((e): e is DiagnosticEvent => e.type === 'diagnostic')).subscribe(seen);
    return seen;
  };

  /** Publishes `payload` on `topic` and resolves with the reply to its id. */
  async function exchange(topic: string, payload: object & { id: string }) {
    const { device } = rig;
    const replies = new ReplaySubject<{ id: string; code: number; data?: unknown }>();
    const ready = firstValueFrom(
      rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(`${topic}_reply`))),
    );
    const listening = device
      .observe(`${topic}_reply`)
      .subscribe((m) => replies.next(JSON.parse(String(m.payload)) as { id: string; code: number }));
    await ready;
    const reply = firstValueFrom(replies.pipe(filter((r) => r.id === payload.id)));
    await lastValueFrom(device.publish({ topic, payload: JSON.stringify(payload), qos: 1 }));
    const answered = await reply;
    listening.unsubscribe();
    return answered;
  }

  it('should read the Link SDK’s own report payload (DIAG_REPORT_PAYLOAD_FMT) into an event, and keep it', async () => {
    const { cloud, device } = rig;
    const seen = diagnostics();
    // Word for word what aiot_diag_api.c publishes: no method, utcTime in ms, traceContext the report's id.
    const payload = {
      id: '7',
      version: '1.0',
      params: [
        {
          utcTime: '1700000000123',
          logLevel: 'FATAL',
          module: 'DiagMqttHeartbeat',
          code: '32',
          traceContext: '7',
          logContent: 'MQTT lost heartbeat 1 times in 1500 ms',
        },
      ],
    };
    expect(await exchange(device.topics.logPost, payload)).toMatchObject({ id: '7', code: 200 });
    const heartbeat = {
      kind: 'alert',
      item: 'heartbeat',
      level: 'fatal',
      elapsedMs: 1500,
      utcTime: '1700000000123',
      receivedAt: expect.any(Number),
    };
    expect(await firstValueFrom(seen)).toEqual({
      type: 'diagnostic',
      device: { productKey: PRODUCT_KEY, deviceName: device.deviceName },
      diagnostic: heartbeat,
    });
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({ heartbeat });
    // Still a log entry, as any other.
    expect(cloud.queryDeviceLogs(device)).toEqual([expect.objectContaining({ module: 'DiagMqttHeartbeat' })]);
  });

  it('should keep the latest of each item, and leave other entries, and diag entries it cannot read, as logs only', async () => {
    const { cloud, device } = rig;
    const entry = (module: string, logLevel: string, logContent: string) => ({
      utcTime: 't',
      logLevel,
      module,
      logContent,
    });
    const params = [
      entry('DiagAlinkUplink', 'WARN', 'Alink message 5 waiting for reply has already exceed 700 ms'),
      entry('app', 'WARN', 'MQTT connection establish time 300 ms'),
      entry('DiagMqttConnection', 'WARN', 'something else'),
      entry(
        'DiagAlinkUplink',
        'WARN',
        'Alink message reply too slow has been alert extra 2 times in past 30000 ms',
      ),
    ];
    const payload = { id: '8', version: '1.0', method: 'thing.log.post', params };
    expect(await exchange(device.topics.logPost, payload)).toMatchObject({ code: 200 });
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({
      uplink: {
        kind: 'summary',
        item: 'uplink',
        level: 'warning',
        count: 2,
        periodMs: 30000,
        utcTime: 't',
        receivedAt: expect.any(Number),
      },
    });
    expect(cloud.queryDeviceLogs(device)).toHaveLength(4);
    expect(cloud.queryDeviceDiagnostics({ productKey: PRODUCT_KEY, deviceName: 'dev02' })).toEqual({});
  });

  it('should answer a network status with 200 and keep it, one reading or a history', async () => {
    const { cloud, device } = rig;
    const seen = diagnostics();
    const reading = { rssi: 75, snr: 20, per: 10, errStats: '10,02,01;10,05,01', time: 1566432629000 };
    const answered = await lastValueFrom(postNetworkStatus(device, reading));
    expect(E.isRight(answered) && answered.right).toMatchObject({ code: 200, data: {} });
    const network = {
      kind: 'network-status',
      samples: [
        { wifi: { rssi: 75, snr: 20, per: 10, err_stats: '10,02,01;10,05,01' }, _time: 1566432629000 },
      ],
      model: 'quantity=single|format=simple|time=now',
      receivedAt: expect.any(Number),
    };
    expect(await firstValueFrom(seen)).toMatchObject({ type: 'diagnostic', diagnostic: network });
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({ network });

    expect(
      E.isRight(await lastValueFrom(postNetworkStatus(device, [reading, { ...reading, per: 50 }]))),
    ).toBe(true);
    expect(cloud.queryDeviceDiagnostics(device).network).toMatchObject({
      model: 'format=simple|quantity=batch|time=history',
      samples: [expect.anything(), { wifi: expect.objectContaining({ per: 50 }) }],
    });
  });

  it('should refuse a network status that does not decode with 460, keeping nothing', async () => {
    const { cloud, device } = rig;
    const payload = { id: '9', version: '1.0', params: { p: { wifi: { rssi: 'strong' } }, model: 'x' } };
    expect(await exchange(device.topics.diagPost, payload)).toMatchObject({ id: '9', code: 460 });
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({});
  });
});
