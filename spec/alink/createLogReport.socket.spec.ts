// Device log reporting from both ends: a device's createLogReport against the emulator, which keeps the
// console's switch and the entries.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, ReplaySubject } from 'rxjs';
import { createLogReport } from '../../lib/alink/createLogReport';
import { alinkRequest } from '../../lib/protocol';
import { emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

const line = { level: 'ERROR', module: 'ota', content: 'flash failed', code: 4103 } as const;

describe('createLogReport against the emulator', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  it("should hear the console's switch, asked and pushed", async () => {
    const { cloud, device } = rig;
    const logs = createLogReport(device);
    expect(await lastValueFrom(logs.getReporting())).toEqual(E.right(false));
    const ready = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.logConfigPush)),
      ),
    );
    const pushed = firstValueFrom(logs.pushes$);
    await ready;
    await cloud.setDeviceLogReporting(device, true);
    expect(await pushed).toEqual(E.right(true));
    expect(await lastValueFrom(logs.getReporting())).toEqual(E.right(true));
  });

  it('should post lines the emulator keeps in order, with the time each arrived', async () => {
    const { cloud, device } = rig;
    const logs = createLogReport(device, { now: () => Date.UTC(2026, 11, 3) });
    const posted = await lastValueFrom(logs.post([line, { level: 'INFO', module: 'app', content: 'up' }]));
    expect(E.isRight(posted) && posted.right.code).toBe(200);
    await lastValueFrom(logs.post([{ level: 'DEBUG', module: 'app', content: 'again' }]));
    expect(cloud.queryDeviceLogs(device)).toEqual([
      {
        utcTime: '2026-12-03T00:00:00.000+0000',
        logLevel: 'ERROR',
        module: 'ota',
        logContent: 'flash failed',
        code: 4103,
        receivedAt: expect.any(Number),
      },
      expect.objectContaining({ logContent: 'up', logLevel: 'INFO' }),
      expect.objectContaining({ logContent: 'again' }),
    ]);
    expect(cloud.queryDeviceLogs({ productKey: PRODUCT_KEY, deviceName: 'dev02' })).toEqual([]);
  });

  it('should answer 460 for a post that is not 1 to 40 entries, keeping nothing, and keep the latest 1,000', async () => {
    const { cloud, device } = rig;
    const replies = new ReplaySubject<{ id: string; code: number }>();
    const ready = firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.logPostReply)),
      ),
    );
    const listening = device
      .observe(device.topics.logPostReply)
      .subscribe((m) => replies.next(JSON.parse(String(m.payload)) as { id: string; code: number }));
    await ready;
    let next = 0;
    const send = async (params: unknown) => {
      const id = String((next += 1));
      const reply = firstValueFrom(replies.pipe(filter((r) => r.id === id)));
      const payload = JSON.stringify(alinkRequest({ id, method: 'thing.log.post', params }));
      await lastValueFrom(device.publish({ topic: device.topics.logPost, payload, qos: 1 }));
      return reply;
    };
    const entry = { utcTime: 't', logLevel: 'INFO', module: 'm', logContent: 'x' };
    expect(await send(Array.from({ length: 41 }, () => entry))).toMatchObject({ code: 460 });
    expect(await send([{ ...entry, logContent: undefined }])).toMatchObject({ code: 460 });
    expect(cloud.queryDeviceLogs(device)).toEqual([]);
    // Fields of its own a device adds are not kept.
    expect(await send([{ ...entry, extra: 'x' }])).toMatchObject({ code: 200 });
    expect(cloud.queryDeviceLogs(device)).toEqual([{ ...entry, receivedAt: expect.any(Number) }]);
    const logs = createLogReport(device);
    for (let batch = 0; batch < 26; batch++) {
      const lines = Array.from({ length: 40 }, (_, i) => ({
        level: 'INFO' as const,
        module: 'm',
        content: String(batch * 40 + i),
      }));
      await lastValueFrom(logs.post(lines));
    }
    const kept = cloud.queryDeviceLogs(device);
    expect(kept).toHaveLength(1000);
    expect([kept[0]?.logContent, kept[999]?.logContent]).toEqual(['40', '1039']);
    listening.unsubscribe();
  });

  it('should push nothing to a device offline, and still answer its next ask', async () => {
    const { cloud } = rig;
    const offline = { productKey: PRODUCT_KEY, deviceName: 'dev02' };
    await cloud.setDeviceLogReporting(offline, true);
    const other = rig.other('dev02');
    other.start();
    expect(await lastValueFrom(createLogReport(other).getReporting())).toEqual(E.right(true));
  });
});
