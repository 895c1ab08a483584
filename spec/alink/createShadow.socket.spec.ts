// The shadow from both ends: a device against the emulator, which keeps each device's shadow and versions.
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { createShadow } from '../../lib/alink/createShadow';
import { ShadowVersionConflictError } from '../../lib/emulator';
import { connected, emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';

describe('createShadow against the emulator', () => {
  let rig: EmulatorDevice;
  let now: number;
  beforeEach(async () => {
    now = 1_700_000_000_000;
    rig = await emulatorDevice({ clock: () => now });
  });
  afterEach(() => rig.close());

  it('should report with growing versions, refuse a stale one with 409, and clear with -1', async () => {
    const { cloud, device } = rig;
    const shadow = createShadow(device);
    expect(await lastValueFrom(shadow.get())).toEqual(
      E.right({ state: {}, metadata: {}, version: 0, timestamp: 1_700_000_000 }),
    );

    expect(await lastValueFrom(shadow.update({ temp: 21, mode: 'eco' }))).toEqual(E.right(1));
    now += 5000;
    expect(await lastValueFrom(shadow.update({ temp: 22 }))).toEqual(E.right(2));
    expect(cloud.getDeviceShadow(device)).toEqual({
      state: { reported: { temp: 22, mode: 'eco' } },
      metadata: { reported: { temp: { timestamp: 1_700_000_005 }, mode: { timestamp: 1_700_000_000 } } },
      version: 2,
      timestamp: 1_700_000_005,
    });

    const stale = await lastValueFrom(shadow.update({ temp: 23 }, { version: 2 }));
    expect(stale).toEqual(E.left(expect.objectContaining({ _tag: 'ShadowReplyFailure', code: 409 })));
    expect(cloud.getDeviceShadow(device).state.reported).toEqual({ temp: 22, mode: 'eco' });

    expect(await lastValueFrom(shadow.delete(['mode']))).toEqual(E.right(3));
    expect(cloud.getDeviceShadow(device).state.reported).toEqual({ temp: 22 });

    expect(await lastValueFrom(shadow.clear())).toEqual(E.right(0));
    expect(cloud.getDeviceShadow(device)).toMatchObject({ state: {}, version: 0 });
    expect(await lastValueFrom(shadow.update({ temp: 20 }))).toEqual(E.right(1));
  });

  it('should receive the desired state the cloud writes, apply it, report it and clear it', async () => {
    const { cloud, device } = rig;
    const shadow = createShadow(device);
    await lastValueFrom(shadow.update({ color: 'red' }));
    const pushed = firstValueFrom(
      shadow.desired$.pipe(filter((d) => E.isRight(d) && d.right.source === 'control')),
    );
    // Let desired$ subscribe and fetch first: the fetch at connect finds no desired state.
    await firstValueFrom(
      cloud.events$.pipe(
        filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.shadowGet)),
      ),
    );
    const written = await cloud.updateDeviceShadow(device, { state: { desired: { color: 'green' } } });
    expect(written).toMatchObject({
      state: { desired: { color: 'green' }, reported: { color: 'red' } },
      version: 2,
    });
    expect(await pushed).toEqual(
      E.right({ desired: { color: 'green' }, reported: { color: 'red' }, version: 2, source: 'control' }),
    );

    expect(await lastValueFrom(shadow.update({ color: 'green' }))).toEqual(E.right(3));
    expect(await lastValueFrom(shadow.clearDesired())).toEqual(E.right(4));
    expect(cloud.getDeviceShadow(device)).toMatchObject({
      state: { reported: { color: 'green' } },
      version: 4,
    });
    await expect(
      cloud.updateDeviceShadow(device, { state: { desired: { color: 'blue' } }, version: 4 }),
    ).rejects.toBeInstanceOf(ShadowVersionConflictError);
  });

  it('should fetch the shadow again after a reconnect and emit the desired state written while offline', async () => {
    await rig.close();
    // A slower reconnect, so that the cloud writes while the device is away.
    rig = await emulatorDevice({ clock: () => now }, { reconnect: { initialDelayMs: 300, jitter: 'none' } });
    const { cloud, device } = rig;
    const shadow = createShadow(device);
    // The fetch at connect is answered (with no desired state yet) before the cloud writes.
    const fetched = firstValueFrom(
      cloud.received$.pipe(filter((m) => m.topic === device.topics.shadowUpdate)),
    );
    const desired = firstValueFrom(shadow.desired$.pipe(filter(E.isRight), take(2), toArray()));
    await fetched;
    await cloud.updateDeviceShadow(device, { state: { desired: { power: 'on' } } });
    // Offline: a push now would be lost; the fetch after the reconnect finds it.
    const reconnected = firstValueFrom(device.state$.pipe(filter((s) => s.status === 'reconnecting')));
    await cloud.disconnect(device);
    await reconnected;
    await firstValueFrom(cloud.devices$.pipe(filter((online) => online.length === 0)));
    await cloud.updateDeviceShadow(device, { state: { desired: { power: 'off', level: 3 } }, version: 5 });
    await connected(device);
    const [first, second] = await desired;
    expect(first).toEqual(E.right({ desired: { power: 'on' }, version: 1, source: 'control' }));
    expect(second).toEqual(E.right({ desired: { power: 'off', level: 3 }, version: 5, source: 'get' }));
    expect(shadow.version).toBe(5);
  });

  it('should merge a delta update into the desired state', async () => {
    const { cloud, device } = rig;
    await cloud.updateDeviceShadow(device, { state: { desired: { a: 1, b: 2 } } });
    const merged = await cloud.updateDeviceShadow(
      device,
      { state: { desired: { b: 3, c: 4 } } },
      { deltaUpdate: true },
    );
    expect(merged.state.desired).toEqual({ a: 1, b: 3, c: 4 });
    const replaced = await cloud.updateDeviceShadow(device, { state: { desired: { z: 0 } } });
    expect(replaced.state.desired).toEqual({ z: 0 });
  });

  it('should take concurrent requests one at a time, each with its own reply', async () => {
    const shadow = createShadow(rig.device);
    const results = await Promise.all([
      lastValueFrom(shadow.update({ n: 1 })),
      lastValueFrom(shadow.get()),
      lastValueFrom(shadow.update({ n: 2 })),
      lastValueFrom(shadow.get()),
    ]);
    expect(results[0]).toEqual(E.right(1));
    expect(E.isRight(results[1]) && results[1].right).toMatchObject({
      state: { reported: { n: 1 } },
      version: 1,
    });
    expect(results[2]).toEqual(E.right(2));
    expect(E.isRight(results[3]) && results[3].right).toMatchObject({
      state: { reported: { n: 2 } },
      version: 2,
    });
  });
});
