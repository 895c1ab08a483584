// The cloud side's request primitive, through the calls built on it: each call reported on events$.
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { DeviceOfflineError, RrpcTimeoutError } from '../../lib/emulator';
import { DEV01, DEV02, deviceHarness } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

describe('cloudRequest', () => {
  it('should report every call on events$ as it ends: answered, timed out, or to a device offline', async () => {
    const emulator = await harness.start();
    const client = await harness.connectDevice(emulator);
    let answer = true;
    client.on('message', (topic) => {
      if (answer) client.publish(topic.replace('/rrpc/request/', '/rrpc/response/'), 'ok');
    });
    const calls = firstValueFrom(
      emulator.events$.pipe(
        filter((e) => e.type === 'call'),
        take(3),
        toArray(),
      ),
    );
    await emulator.rrpc(DEV01, 'a');
    answer = false;
    await expect(emulator.rrpc(DEV01, 'b', { timeoutMs: 30 })).rejects.toBeInstanceOf(RrpcTimeoutError);
    await expect(emulator.rrpc(DEV02, 'c')).rejects.toBeInstanceOf(DeviceOfflineError);
    expect(
      (await calls).map(
        (e) => e.type === 'call' && [e.call, e.device.deviceName, e.outcome, e.topic.split('/')[5]],
      ),
    ).toEqual([
      ['rrpc', 'dev01', 'answered', 'request'],
      ['rrpc', 'dev01', 'timeout', 'request'],
      ['rrpc', 'dev02', 'offline', 'request'],
    ]);
    const [first] = await calls;
    expect(first?.type === 'call' && first.durationMs).toBeGreaterThanOrEqual(0);
  });
});
