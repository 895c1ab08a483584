// The library's logs: off by default, under `rx-aliyun-iot:*` namespaces, and never a secret or a password,
// whatever is switched on. The scenario drives connect, refusal, publish, RRPC, a thing post and the
// emulator's cloud side with every namespace on, and searches every line for every secret.
import createDebug from 'debug';
import { filter, firstValueFrom, lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { serveRrpc } from '../../lib/alink/serveRrpc';
import type { DevicePacket } from '../../lib/connection/DevicePacket';
import { createDevice, type AliyunDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';
import type { DeviceOptions } from '../../lib/identity/deviceOptions';
import { mqttCredentials } from '../../lib/identity/mqttCredentials';
import { registrationSign } from '../../lib/identity/registrationCredentials';
import { memorySecretStore, type DeviceCredential } from '../../lib/identity/secretStore';
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

const found = (lines: readonly string[], secrets: Record<string, string> = forbidden()) =>
  Object.entries(secrets).flatMap(([name, value]) =>
    lines.filter((line) => line.includes(value)).map((line) => `${name} in: ${line}`),
  );

// Packets as text, a payload as its UTF-8 (not a Buffer's JSON), so that a secret in one would show.
const textOf = async (packets$: Observable<DevicePacket>) =>
  (await lastValueFrom(packets$.pipe(toArray()))).map((p) =>
    JSON.stringify('payload' in p ? { ...p, payload: Buffer.from(p.payload).toString() } : p),
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

/**
 * Dynamic registration with every namespace on: `register` over mqtts, `regnwl` then a `connwl` login with the
 * token, HTTPS then a login over wss, and a refused second registration. Gives what was printed and emitted,
 * and every secret the scenario used or was issued (known only once it ran).
 */
async function registrationScenario(): Promise<{
  logs: string[];
  packets: string[];
  events: string[];
  secrets: Record<string, string>;
}> {
  const logs = captureLogs('rx-aliyun-iot:*');
  let emulator: Emulator | undefined;
  const devices: AliyunDevice[] = [];
  try {
    emulator = await startEmulator({
      products: [
        {
          productKey,
          productSecret,
          dynamicRegistration: true,
          devices: [{ deviceName: 'reg01' }, { deviceName: 'https01' }],
        },
      ],
    });
    const cloud = emulator;
    const events = lastValueFrom(cloud.events$.pipe(toArray()));
    const packets: Promise<string[]>[] = [];
    const secrets: Record<string, string> = { productSecret };
    const register = async (
      deviceName: string,
      random: string,
      options: Partial<DeviceOptions>,
      store = memorySecretStore(),
    ) => {
      const device = createDevice({
        productKey,
        deviceName,
        productSecret,
        secretStore: store,
        endpoint: { url: cloud.urls.mqtts },
        tls: { ca: cloud.ca },
        reconnect: false,
        ...options,
        registration: { random, ...options.registration },
      } as DeviceOptions);
      devices.push(device);
      packets.push(textOf(device.packets$));
      secrets[`registration password of ${deviceName}`] = registrationSign({
        productKey,
        deviceName,
        productSecret,
        random,
      });
      device.start();
      const state = await firstValueFrom(
        device.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed')),
      );
      const kept = (await store.load({ productKey, deviceName })) as DeviceCredential | undefined;
      if (kept !== undefined) {
        for (const [field, value] of Object.entries(kept))
          if (field !== 'clientId') secrets[`${field} of ${deviceName}`] = value as string;
      }
      return { status: state.status, store };
    };

    expect(await register('reg01', 'r1', {})).toMatchObject({ status: 'connected' });
    const nwl = await register('nwl01', 'r2', { registration: { method: 'regnwl' } });
    expect(nwl.status).toBe('connected');
    expect(
      await register('https01', 'r3', {
        endpoint: { url: cloud.urls.wss },
        registration: { method: 'https', url: cloud.urls.https },
      }),
    ).toMatchObject({ status: 'connected' });
    // nwl01 again, with the token it kept: a connwl login, no registration.
    const restarted = await register('nwl01', 'r4', { registration: { method: 'regnwl' } }, nwl.store);
    expect(restarted.status).toBe('connected');
    // reg01 lost its secret (a fresh store) and registers again: the platform refuses an activated device.
    expect(await register('reg01', 'r5', {})).toMatchObject({ status: 'closed' });

    await Promise.all(devices.map((d) => d.close()));
    await cloud.close();
    return {
      logs: logs.lines,
      packets: (await Promise.all(packets)).flat(),
      events: (await events).map((e) => JSON.stringify(e)),
      secrets,
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

  it('should never print nor emit a secret, a password or a token while devices register dynamically', async () => {
    const { logs, packets, events, secrets } = await registrationScenario();
    // What there was to find: the issued secrets and the token, and the registrations in the logs.
    expect(Object.keys(secrets)).toEqual(
      expect.arrayContaining(['deviceSecret of reg01', 'deviceToken of nwl01', 'deviceSecret of https01']),
    );
    const text = logs.join('\n');
    expect(text).toMatch(/rx-aliyun-iot:emulator .*a1TestPK001\/reg01 registered \(register\)/);
    expect(text).toMatch(/rx-aliyun-iot:emulator .*a1TestPK001\/nwl01 registered \(regnwl\)/);
    expect(text).toMatch(/rx-aliyun-iot:emulator .*a1TestPK001\/https01 registered \(https\)/);
    expect(text).toMatch(/rx-aliyun-iot:connection a1TestPK001\/reg01 closed: RegistrationRefusedError/);
    // The device's own lines, under rx-aliyun-iot:registration: where, how, and what kind of credential.
    const registration = logs
      .filter((line) => line.includes('rx-aliyun-iot:registration '))
      .map((line) => line.replace(/^.*rx-aliyun-iot:registration /, '').replace(/ \+\d+ms$/, ''))
      .map((line) => line.replace(/127\.0\.0\.1:\d+/, 'HOST'));
    expect(registration).toEqual([
      'a1TestPK001/reg01 registering (register) at mqtts://HOST',
      'a1TestPK001/reg01 registered (register): got a deviceSecret',
      'a1TestPK001/reg01 saved it in the secret store',
      'a1TestPK001/nwl01 registering (regnwl) at mqtts://HOST',
      'a1TestPK001/nwl01 registered (regnwl): got a clientId and deviceToken',
      'a1TestPK001/nwl01 saved it in the secret store',
      'a1TestPK001/https01 registering (https) at https://HOST/auth/register/device',
      'a1TestPK001/https01 registered (https): got a deviceSecret',
      'a1TestPK001/https01 saved it in the secret store',
      'a1TestPK001/nwl01 logs in with a clientId and deviceToken kept in the secret store',
      'a1TestPK001/reg01 registering (register) at mqtts://HOST',
      expect.stringMatching(/^a1TestPK001\/reg01 registration failed: RegistrationRefusedError: /),
    ]);
    expect(packets.some((p) => p.includes('"type":"connect"') && p.includes('[redacted]'))).toBe(true);
    expect(found([...logs, ...packets, ...events], secrets)).toEqual([]);
  });

  // The search above can fail: with MQTT.js's own namespaces on, its CONNECT lines hold the password.
  it("should find the password in MQTT.js's own DEBUG=mqttjs* lines, which the README warns of", async () => {
    const { logs } = await scenario('mqttjs*');
    expect(found(logs)).toContainEqual(expect.stringMatching(/^password of dev01 in: /));
    expect(createDebug.enabled('mqttjs')).toBe(false);
  });
});
