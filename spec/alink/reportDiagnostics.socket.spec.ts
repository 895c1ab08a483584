// Device diagnostics from both ends: a device's reportDiagnostics against the emulator, which answers it late
// when told to (setDeviceLatency) and reads the reports that arrive as logs into diagnostic events.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject, type Subscription } from 'rxjs';
import { alinkRequest } from '../../lib/alink/request';
import { createLogReport } from '../../lib/alink/createLogReport';
import { reportDiagnostics, type DiagnosticReport } from '../../lib/alink/reportDiagnostics';
import type { EmulatorEvent } from '../../lib/emulator';
import { connected, emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';

type DiagnosticEvent = Extract<EmulatorEvent, { type: 'diagnostic' }>;

describe('reportDiagnostics against the emulator', () => {
  let rig: EmulatorDevice;
  let watching: Subscription | undefined;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(async () => {
    watching?.unsubscribe();
    await rig.close();
  });

  const post = () =>
    lastValueFrom(
      alinkRequest(rig.device, {
        topic: rig.device.topics.propertyPost,
        method: 'thing.event.property.post',
        params: { temp: 21.5 },
      }),
    );
  /** A round trip after which anything the device published before it has reached the emulator. */
  const roundTrip = () => lastValueFrom(createLogReport(rig.device).getReporting());
  const events = () => {
    const seen = new ReplaySubject<DiagnosticEvent>();
    rig.cloud.events$
      .pipe(filter((e): e is DiagnosticEvent => e.type === 'diagnostic'))
      .subscribe((e) => seen.next(e));
    return seen;
  };

  it('should report a slow reply as the Link SDK does, which the emulator reads into a diagnostic event', async () => {
    const { cloud, device } = rig;
    const seen = events();
    const reports = new ReplaySubject<DiagnosticReport>();
    // A reply 150 ms late is past 50 ms and far from 60 s whatever the machine does.
    watching = reportDiagnostics(device, { uplink: { warningMs: 50, fatalMs: 60_000 } }).subscribe(reports);
    cloud.setDeviceLatency(device, { alinkReplyMs: 150 });
    const posted = await post();
    const id = E.isRight(posted) ? posted.right.id : 'none';

    const event = await firstValueFrom(seen);
    expect(event).toEqual({
      type: 'diagnostic',
      device: { productKey: device.productKey, deviceName: device.deviceName },
      diagnostic: {
        kind: 'alert',
        item: 'uplink',
        level: 'warning',
        elapsedMs: expect.any(Number),
        messageId: id,
        utcTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+\+0000$/),
        receivedAt: expect.any(Number),
      },
    });
    const { elapsedMs } = event.diagnostic as { elapsedMs: number };
    expect(elapsedMs).toBeGreaterThanOrEqual(50);
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({ uplink: event.diagnostic });
    // On the wire, the Link SDK's entry: its module, its code in decimal, its description.
    expect(cloud.queryDeviceLogs(device)).toEqual([
      {
        utcTime: expect.any(String),
        logLevel: 'WARN',
        module: 'DiagAlinkUplink',
        code: '48',
        traceContext: id,
        logContent: `Alink message ${id} waiting for reply has already exceed ${elapsedMs} ms`,
        receivedAt: expect.any(Number),
      },
    ]);
    // The device hears the answer to its report (late too): one report, answered 200.
    const report = await firstValueFrom(reports);
    expect(report.alert).toEqual({
      kind: 'alert',
      item: 'uplink',
      level: 'warning',
      elapsedMs,
      messageId: id,
    });
    expect(E.isRight(report.result) && report.result.right.code).toBe(200);
  });

  it('should report nothing for a reply in time', async () => {
    const { cloud, device } = rig;
    const seen = events();
    watching = reportDiagnostics(device, { connect: false, heartbeat: false }).subscribe();
    expect(E.isRight(await post())).toBe(true);
    await roundTrip();
    expect(cloud.queryDeviceLogs(device)).toEqual([]);
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({});
    seen.complete();
    expect(await lastValueFrom(seen, { defaultValue: 'none' })).toBe('none');
  });

  it('should report a slow connection after a reconnect', async () => {
    const { cloud, device } = rig;
    const seen = events();
    // Any connection takes 0 ms or more: with a warning from 0 ms on, this one is one.
    watching = reportDiagnostics(device, { connect: { warningMs: 0, fatalMs: 60_000 } }).subscribe();
    await cloud.disconnect(device);
    await connected(device);
    const event = await firstValueFrom(seen);
    expect(event.diagnostic).toMatchObject({ kind: 'alert', item: 'connect', level: 'warning' });
    expect(cloud.queryDeviceLogs(device)).toEqual([
      expect.objectContaining({
        module: 'DiagMqttConnection',
        code: '16',
        logLevel: 'WARN',
        logContent: expect.stringMatching(/^MQTT connection establish time \d+ ms$/),
      }),
    ]);
  });

  it('should measure and report nothing once unsubscribed', async () => {
    const { cloud, device } = rig;
    reportDiagnostics(device, { uplink: { warningMs: 50, fatalMs: 60_000 } })
      .subscribe()
      .unsubscribe();
    cloud.setDeviceLatency(device, { alinkReplyMs: 150 });
    expect(E.isRight(await post())).toBe(true);
    cloud.setDeviceLatency(device, {});
    await roundTrip();
    expect(cloud.queryDeviceLogs(device)).toEqual([]);
    expect(cloud.queryDeviceDiagnostics(device)).toEqual({});
  });
});
