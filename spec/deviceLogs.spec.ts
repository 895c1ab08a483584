import { filter, firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { createDevice, type AliyunDevice } from '../lib/device';
import { describeState } from '../lib/deviceLogs';
import { startEmulator, type Emulator } from '../lib/emulator';
import type { DeviceOptions } from '../lib/identity/deviceOptions';
import { captureLogs } from './support/captureLogs';

const productKey = 'a1TestPK001';
const deviceSecret = '0123456789abcdef0123456789abcdef';

describe('device logs and packets', () => {
  let emulator: Emulator;
  const devices: AliyunDevice[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      products: [
        { productKey, devices: ['dev01', 'dev02'].map((deviceName) => ({ deviceName, deviceSecret })) },
      ],
    });
  });
  afterEach(() => Promise.all(devices.splice(0).map((d) => d.close())));
  afterAll(() => emulator.close());

  const device = (options: Partial<DeviceOptions> = {}) => {
    const made = createDevice({
      productKey,
      deviceName: 'dev01',
      deviceSecret,
      endpoint: { url: emulator.url },
      ...options,
    } as DeviceOptions);
    devices.push(made);
    return made;
  };
  const connected = (d: AliyunDevice) =>
    firstValueFrom(d.state$.pipe(filter((s) => s.status === 'connected')));

  it('should show every packet of a session, CONNECT to DISCONNECT, and complete on close', async () => {
    const d = device();
    const packets = lastValueFrom(d.packets$.pipe(toArray()));
    d.start();
    await connected(d);
    const inbox = `/${productKey}/dev01/user/get`;
    const message = firstValueFrom(d.observe(inbox, { qos: 1 }).pipe(take(1)));
    const unsubscribed = firstValueFrom(d.packets$.pipe(filter((p) => p.type === 'unsuback')));
    await firstValueFrom(d.publish({ topic: `/${productKey}/dev01/user/update`, payload: 'up', qos: 1 }));
    await emulator.publish(inbox, 'down', { qos: 1 });
    await message;
    await unsubscribed;
    await d.close();
    const seen = (await packets).map((p) => `${p.direction} ${p.type}`);
    // SUBACK and the PUBACK of the device's publish may come in either order; so may the rest of the middle.
    expect(seen[0]).toBe('sent connect');
    expect(seen[1]).toBe('received connack');
    expect(seen.at(-1)).toBe('sent disconnect');
    expect([...seen].sort()).toEqual(
      [
        'sent connect',
        'received connack',
        'sent subscribe',
        'received suback',
        'sent publish',
        'received puback',
        'received publish',
        'sent puback',
        'sent unsubscribe',
        'received unsuback',
        'sent disconnect',
      ].sort(),
    );
    const up = (await packets).find((p) => p.type === 'publish' && p.direction === 'sent');
    expect(up).toMatchObject({ topic: `/${productKey}/dev01/user/update`, qos: 1, bytes: 2 });
  });

  it('should show packets$ to an observer that joins mid-connection, from then on, and none after it leaves', async () => {
    const d = device();
    d.start();
    await connected(d);
    const update = { topic: `/${productKey}/dev01/user/update`, payload: 'up', qos: 1 } as const;
    await firstValueFrom(d.publish(update));
    const seen: string[] = [];
    const watching = d.packets$.subscribe((p) => seen.push(`${p.direction} ${p.type}`));
    await firstValueFrom(d.publish(update));
    watching.unsubscribe();
    await firstValueFrom(d.publish(update));
    // A second observer later sees only its own time's packets.
    const later = firstValueFrom(d.packets$.pipe(filter((p) => p.type === 'puback')));
    await firstValueFrom(d.publish(update));
    await expect(later).resolves.toMatchObject({ direction: 'received', type: 'puback' });
    expect(seen).toEqual(['sent publish', 'received puback']);
  });

  it('should print nothing while the logs are off', async () => {
    const logs = captureLogs('');
    try {
      const d = device();
      d.start();
      await connected(d);
      await firstValueFrom(d.publish({ topic: `/${productKey}/dev01/user/update`, payload: 'x' }));
      await d.close();
      expect(logs.lines).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it('should log states, publishes and their failures under their namespaces', async () => {
    const logs = captureLogs('rx-aliyun-iot:connection,rx-aliyun-iot:publish');
    try {
      const d = device();
      d.start();
      await connected(d);
      await firstValueFrom(d.publish({ topic: `/${productKey}/dev01/user/update`, payload: 'x', qos: 1 }));
      await expect(
        firstValueFrom(d.publish({ topic: `/${productKey}/dev01/user/update`, payload: 'x', qos: 2 })),
      ).rejects.toThrow();
      await d.close();
      const lines = logs.lines.map((line) => line.replace(/^\S+Z /, '')); // no TTY: an ISO date first
      expect(lines).toEqual([
        'rx-aliyun-iot:connection a1TestPK001/dev01 idle',
        `rx-aliyun-iot:connection a1TestPK001/dev01 connecting to ${emulator.url} (attempt 1)`,
        'rx-aliyun-iot:connection a1TestPK001/dev01 connected (session present: false)',
        'rx-aliyun-iot:publish a1TestPK001/dev01 published on /a1TestPK001/dev01/user/update (qos 1, 1 bytes)',
        expect.stringMatching(
          /^rx-aliyun-iot:publish a1TestPK001\/dev01 publish on \/a1TestPK001\/dev01\/user\/update failed: PublishRefusedError: .*QoS 2/,
        ),
        'rx-aliyun-iot:connection a1TestPK001/dev01 closed',
      ]);
    } finally {
      logs.restore();
    }
  });

  it('should log the failures of publishAll as values', async () => {
    const logs = captureLogs('rx-aliyun-iot:publish');
    try {
      const d = device();
      d.start();
      await connected(d);
      const commands = from([
        { topic: '/other/topic', payload: 'x' },
        { topic: `/${productKey}/dev01/user/update`, payload: 'ok' },
      ]);
      const results = await lastValueFrom(commands.pipe(d.publishAll(), toArray()));
      expect(results).toHaveLength(2);
      expect(logs.lines.join('\n')).toMatch(/publish on \/other\/topic failed: PublishRefusedError/);
      expect(logs.lines.join('\n')).toMatch(
        /published on \/a1TestPK001\/dev01\/user\/update \(qos 0, 2 bytes\)/,
      );
    } finally {
      logs.restore();
    }
  });
});

describe('describeState', () => {
  const url = 'mqtt://127.0.0.1:1883';
  it.each([
    [{ status: 'idle' } as const, 'idle'],
    [{ status: 'connecting', attempt: 2 } as const, `connecting to ${url} (attempt 2)`],
    [{ status: 'registering', attempt: 1 } as const, 'registering with the product secret (attempt 1)'],
    [{ status: 'connected', sessionPresent: true } as const, 'connected (session present: true)'],
    [
      { status: 'reconnecting', attempt: 3, delayMs: 400, error: new TypeError('boom') } as const,
      'reconnecting in 400 ms (attempt 3): TypeError: boom',
    ],
    [{ status: 'closed', error: 'gone' } as const, 'closed: gone'],
    [{ status: 'closed' } as const, 'closed'],
  ])('should describe %j', (state, line) => {
    expect(describeState(state, url)).toBe(line);
  });
});
