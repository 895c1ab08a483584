// The library's logs: off by default, under `rx-aliyun-iot:*` namespaces, and never a secret or a password,
// whatever is switched on. The scenario drives connect, refusal, publish, RRPC, a thing post and the
// emulator's cloud side with every namespace on, and searches every line for every secret.
import createDebug from 'debug';
import { filter, firstValueFrom, lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { serveRrpc } from '../../lib/alink/serveRrpc';
import type { DevicePacket } from '../../lib/connection/DevicePacket';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { logger } from '../../lib/log/logger';
import { captureLogs } from '../support/captureLogs';

const productKey = 'a1TestPK001';
const productSecret = 'ProductSecret-0f1e2d3c4b5a';
const secrets = { dev01: 'Dev01Secret-aaaabbbbccccdddd', dev02: 'Dev02Secret-eeeeffff00001111' };
const wrongSecret = 'WrongSecret-2222333344445555';
const timestamp = '1700000000000';

/** Every string a log line must not contain. */
function forbidden(): Record<string, string> {
  const password = (deviceName: string, deviceSecret: string) =>
    mqttCredentials({ productKey, deviceName, deviceSecret, timestamp, secureMode: 3 }).password;
  return {
    productSecret,
    ...secrets,
    wrongSecret,
    'password of dev01': password('dev01', secrets.dev01),
    'password of dev02 with the wrong secret': password('dev02', wrongSecret),
  };
}

const found = (lines: readonly string[]) =>
  Object.entries(forbidden()).flatMap(([name, value]) =>
    lines.filter((line) => line.includes(value)).map((line) => `${name} in: ${line}`),
  );

/** Everything a scenario printed or emitted: log lines, packets and emulator events as text. */
async function scenario(
  namespaces: string,
): Promise<{ logs: string[]; packets: string[]; events: string[] }> {
  const logs = captureLogs(namespaces);
  let emulator: Emulator | undefined;
  const devices: AliyunDevice[] = [];
  try {
    emulator = await startEmulator({
      products: [
        {
          productKey,
          productSecret,
          devices: Object.entries(secrets).map(([deviceName, deviceSecret]) => ({
            deviceName,
            deviceSecret,
          })),
        },
      ],
    });
    const events = lastValueFrom(emulator.events$.pipe(toArray()));
    const make = (deviceName: string, deviceSecret: string) => {
      const device = createDevice({
        productKey,
        deviceName,
        deviceSecret,
        timestamp,
        endpoint: { url: emulator!.url },
        reconnect: false,
      });
      devices.push(device);
      return device;
    };
    // Packets as text, a payload as its UTF-8 (not a Buffer's JSON), so that a secret in one would show.
    const textOf = async (packets$: Observable<DevicePacket>) =>
      (await lastValueFrom(packets$.pipe(toArray()))).map((p) =>
        JSON.stringify('payload' in p ? { ...p, payload: Buffer.from(p.payload).toString() } : p),
      );

    const device = make('dev01', secrets.dev01);
    const packets = textOf(device.packets$);
    const serving = serveRrpc(device, () => of({ ok: true })).subscribe();
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));

    // A user's own payload that carries secrets: the logs show it redacted.
    await firstValueFrom(
      device.publish({
        topic: `/${productKey}/dev01/user/update`,
        payload: { deviceSecret: secrets.dev01, productSecret, note: 'fine' },
        qos: 1,
      }),
    );
    await firstValueFrom(
      device.publish({
        topic: device.topics.propertyPost,
        payload: { id: '1', version: '1.0', params: { Power: 1 }, method: 'thing.event.property.post' },
        qos: 1,
      }),
    );
    await emulator.rrpc(device, { ask: 'status' });
    await emulator.publish(`/${productKey}/dev01/user/get`, 'hello', { qos: 1 });

    // Refused: the wrong secret, then dev02 is not online for a cloud call.
    const refused = make('dev02', wrongSecret);
    refused.start();
    await firstValueFrom(refused.state$.pipe(filter((s) => s.status === 'closed')));
    await expect(emulator.rrpc({ productKey, deviceName: 'dev02' }, {})).rejects.toThrow();

    serving.unsubscribe();
    await Promise.all(devices.map((d) => d.close()));
    await emulator.close();
    return {
      logs: logs.lines,
      packets: await packets,
      events: (await events).map((e) => JSON.stringify(e)),
    };
  } finally {
    await Promise.all(devices.map((d) => d.close()));
    await emulator?.close();
    logs.restore();
  }
}

describe('logger', () => {
  it('should be off by default', () => {
    const logs = captureLogs('');
    try {
      expect(logger('connection').enabled).toBe(false);
      logger('connection')('a line');
      expect(logs.lines).toEqual([]);
    } finally {
      logs.restore();
    }
  });

  it('should log under rx-aliyun-iot:<topic>, as DEBUG picks it', () => {
    const logs = captureLogs('rx-aliyun-iot:publish');
    try {
      expect(logger('publish').enabled).toBe(true);
      expect(logger('connection').enabled).toBe(false);
      logger('publish')('%s sent %d', 'dev01', 3);
      expect(logs.lines).toEqual([expect.stringMatching(/rx-aliyun-iot:publish dev01 sent 3$/)]);
    } finally {
      logs.restore();
    }
  });

  it('should never print a secret or a password, nor emit one in packets or emulator events', async () => {
    const { logs, packets, events } = await scenario('rx-aliyun-iot:*');
    // The logs were on, all of them.
    for (const namespace of ['connection', 'packet', 'publish', 'emulator']) {
      expect(logs.some((line) => line.includes(`rx-aliyun-iot:${namespace} `))).toBe(true);
    }
    expect(logs.join('\n')).toMatch(/refused client .*bad-signature/);
    expect(logs.join('\n')).toMatch(/ConnectionRefusedError/);
    expect(logs.join('\n')).toMatch(/cloud rrpc to a1TestPK001\/dev01 .*answered/);
    expect(logs.join('\n')).toMatch(/"deviceSecret\\":\\"\[redacted\]/);
    expect(packets.some((p) => p.includes('"type":"connect"') && p.includes('[redacted]'))).toBe(true);
    // Payloads are in the packets as their text: the search below would see a secret in one.
    expect(packets.some((p) => p.includes('"type":"publish"') && p.includes('fine'))).toBe(true);
    expect(found([...logs, ...packets, ...events])).toEqual([]);
  });

  // The search above can fail: with MQTT.js's own namespaces on, its CONNECT lines hold the password.
  it("should find the password in MQTT.js's own DEBUG=mqttjs* lines, which the README warns of", async () => {
    const { logs } = await scenario('mqttjs*');
    expect(found(logs)).toContainEqual(expect.stringMatching(/^password of dev01 in: /));
    expect(createDebug.enabled('mqttjs')).toBe(false);
  });
});
