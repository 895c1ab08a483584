// NTP against the emulator: the device's and the platform's clocks injected, so the result is exact.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { syncTime } from '../../lib/alink/syncTime';
import { createDevice } from '../../lib/device';
import { emulatorDevice, DEVICE_SECRET, PRODUCT_KEY, type EmulatorDevice } from '../support/emulatorDevice';

/** A clock that gives these times, one per call, then the last again. */
const clockOf = (...times: number[]) => {
  let next = 0;
  return () => times[Math.min(next++, times.length - 1)] as number;
};

describe('syncTime', () => {
  let rig: EmulatorDevice;
  afterEach(() => rig.close());

  it('should give the platform time of the PROTOCOL.md §4 vector from injected clocks', async () => {
    rig = await emulatorDevice({ clock: clockOf(1571724098110, 1571724098115) });
    const sent = firstValueFrom(rig.cloud.received$.pipe(filter((m) => m.topic.startsWith('/ext/ntp/'))));
    const result = await lastValueFrom(
      syncTime(rig.device, { clock: clockOf(1571724098000, 1571724098373) }),
    );
    expect(result).toEqual(
      E.right({
        deviceSendTime: 1571724098000,
        serverRecvTime: 1571724098110,
        serverSendTime: 1571724098115,
        deviceRecvTime: 1571724098373,
        platformTime: 1571724098299,
        offsetMs: -74,
        roundTripMs: 368,
      }),
    );
    const request = await sent;
    expect(request.topic).toBe(`/ext/ntp/${PRODUCT_KEY}/dev01/request`);
    expect(JSON.parse(request.payload.toString())).toEqual({ deviceSendTime: '1571724098000' });
    expect(request.qos).toBe(0);
  });

  it('should find the offset of a device clock that is behind the platform', async () => {
    const platformNow = Date.now();
    rig = await emulatorDevice({ clock: () => platformNow });
    const result = await lastValueFrom(syncTime(rig.device, { clock: () => platformNow - 60_000 }));
    if (E.isLeft(result)) throw new Error(result.left._tag);
    expect(result.right.offsetMs).toBe(60_000);
    expect(result.right.platformTime).toBe(platformNow);
  });

  it('should take the answer to its own request when two are in flight', async () => {
    rig = await emulatorDevice();
    const [a, b] = await Promise.all([
      lastValueFrom(syncTime(rig.device, { clock: clockOf(1000, 1010) })),
      lastValueFrom(syncTime(rig.device, { clock: clockOf(2000, 2020) })),
    ]);
    expect(E.isRight(a) && a.right.deviceSendTime).toBe(1000);
    expect(E.isRight(b) && b.right.deviceSendTime).toBe(2000);
  });

  it('should wait for the connection before it reads the clock and sends', async () => {
    rig = await emulatorDevice();
    const late = createDevice({
      productKey: PRODUCT_KEY,
      deviceName: 'dev02',
      deviceSecret: DEVICE_SECRET,
      endpoint: { url: rig.cloud.url },
    });
    const reads: number[] = [];
    const result = lastValueFrom(syncTime(late, { clock: () => (reads.push(Date.now()), Date.now()) }));
    expect(reads).toEqual([]);
    late.start();
    expect(E.isRight(await result)).toBe(true);
    expect(reads).toHaveLength(2);
    await late.close();
  });

  it('should fail with a TimeoutFailure when the device never connects', async () => {
    rig = await emulatorDevice();
    const idle = createDevice({
      productKey: PRODUCT_KEY,
      deviceName: 'dev03',
      deviceSecret: DEVICE_SECRET,
      endpoint: { url: rig.cloud.url },
    });
    const result = await lastValueFrom(syncTime(idle, { timeoutMs: 50 }));
    expect(result).toEqual(
      E.left({ _tag: 'TimeoutFailure', topic: `/ext/ntp/${PRODUCT_KEY}/dev03/request`, timeoutMs: 50 }),
    );
    await idle.close();
  });

  it('should fail with a PublishFailure when the device closes first', async () => {
    rig = await emulatorDevice();
    const result = lastValueFrom(syncTime(rig.device, { timeoutMs: 60_000 }));
    await rig.device.close();
    const failure = await result;
    expect(E.isLeft(failure) && failure.left._tag).toBe('PublishFailure');
  });
});
