// `rx-aliyun-iot emulator` as a user runs it: a process of its own, started from the sources with a config
// file, driven by a real MQTT.js client with the credentials it prints and by plain HTTP requests to its
// server API, and stopped with Ctrl-C (SIGINT).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { filter, firstValueFrom } from 'rxjs';
import { createEmulatorCommand } from '../../lib/cli/emulatorCommand';
import { createDevice } from '../../lib/device';
import { memorySecretStore } from '../../lib/identity/secretStore';

const root = resolve(__dirname, '..', '..');
const productKey = 'a1CliTest01';
const secrets = { dev01: 'Secret-dev01-0123456789', dev02: 'Secret-dev02-9876543210' };
const firmwareImage = Buffer.alloc(4096, 7);
/** A product whose device registers dynamically: the config has its product secret, not a device secret. */
const dynamic = { productKey: 'a1CliDyn001', productSecret: 'ProductSecret-cli-0123456789' };
/** What the device got when it registered, once it has; no log line may hold it. */
let issuedSecret: string | undefined;

interface Printed {
  readonly urls: { mqtt: string; mqtts: string; ws: string; wss: string };
  readonly caFile: string;
  readonly api: string;
  readonly devices: Record<
    string,
    { clientId: string; tlsClientId: string; username: string; password: string }
  >;
}

/** Reads the credentials sheet the command prints before `ready`. */
function parseSheet(text: string): Printed {
  const [mqttUrl, mqtts, ws, wss] = /listening on (\S+), (\S+), (\S+), (\S+)\n/
    .exec(text)!
    .slice(1) as string[];
  const devices: Printed['devices'] = {};
  for (const block of text.split('\ndevice ').slice(1)) {
    // A device that registers dynamically has no login to print yet.
    if (!block.includes('\n  password ')) continue;
    const field = (name: string) => new RegExp(`\\n  ${name} +(\\S+)`).exec(block)![1]!;
    const name = /^\S+\/(\S+)/.exec(block)![1]!;
    devices[name] = {
      clientId: field('clientId'),
      tlsClientId: /\n {16}(\S+) {3}\(mqtts, wss\)/.exec(block)![1]!,
      username: field('username'),
      password: field('password'),
    };
  }
  return {
    urls: { mqtt: mqttUrl!, mqtts: mqtts!, ws: ws!, wss: wss! },
    caFile: /signed by the CA in (\S+)\n/.exec(text)![1]!,
    api: /server API on (\S+) /.exec(text)![1]!,
    devices,
  };
}

describe('rx-aliyun-iot emulator, as a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-cli-'));
  let child: ChildProcess;
  let output = '';
  let printed: Printed;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'fw.bin'), firmwareImage);
    const config = {
      ports: { mqtt: 0, mqtts: 0, ws: 0, wss: 0, api: 0 },
      products: [
        {
          productKey,
          devices: Object.entries(secrets).map(([deviceName, deviceSecret]) => ({
            deviceName,
            deviceSecret,
          })),
        },
        { ...dynamic, dynamicRegistration: true, devices: [{ deviceName: 'fresh01' }] },
      ],
      firmwares: [{ firmwareId: 'fw-2', version: '2.0.0', image: 'fw.bin' }],
      // Small, so that a test sees them at work.
      packPostLimits: { subDevices: 0 },
      propertyHistoryLimit: 2,
    };
    writeFileSync(join(dir, 'emulator.json'), JSON.stringify(config));
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'lib', 'cli', 'main.ts'),
        'emulator',
        '--config',
        join(dir, 'emulator.json'),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((ready, failed) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready; Ctrl-C stops it')) ready();
      });
      child.once('exit', () => failed(new Error(`the emulator exited:\n${output}`)));
    });
    printed = parseSheet(output);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (url: string, options: mqtt.IClientOptions) => {
    const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, ...options });
    clients.push(client);
    return client;
  };
  const login = (name: keyof typeof secrets, tls = false) => {
    const { clientId, tlsClientId, username, password } = printed.devices[name]!;
    return { clientId: tls ? tlsClientId : clientId, username, password };
  };
  const api = async (params: Record<string, string | number>, init?: RequestInit) => {
    const query = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const response = await fetch(`${printed.api}?${query}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const nextMessage = (client: MqttClient, topic: string) =>
    new Promise<{ topic: string; payload: Buffer }>((resolve) => {
      const on = (t: string, payload: Buffer) => {
        if (t !== topic && !(topic.endsWith('+') && t.startsWith(topic.slice(0, -1)))) return;
        client.off('message', on);
        resolve({ topic: t, payload });
      };
      client.on('message', on);
    });
  const base64 = (text: string) => Buffer.from(text).toString('base64');

  it("should print each device's credentials and connect an MQTT.js client with them, over mqtt and mqtts", async () => {
    expect(Object.keys(printed.devices)).toEqual(['dev01', 'dev02']);
    expect(printed.devices.dev01!.clientId).toBe(`${productKey}.dev01|securemode=3,signmethod=hmacsha256|`);
    expect(output).toContain(`deviceSecret  ${secrets.dev01}`);
    const client = await connect(printed.urls.mqtt, login('dev01'));
    expect(client.connected).toBe(true);
    const tls = await connect(printed.urls.mqtts, {
      ...login('dev02', true),
      ca: readFileSync(printed.caFile),
    });
    expect(tls.connected).toBe(true);
    await tls.endAsync();
  });

  it('should refuse a wrong password, and say why', async () => {
    await expect(connect(printed.urls.ws, { ...login('dev02'), password: '00' })).rejects.toThrow(
      /Bad username or password/i,
    );
    await until(() => output.includes('bad-signature (CONNACK 4)'));
  });

  it('should publish with Pub, and report the device online with GetDeviceStatus', async () => {
    const client = clients[0]!;
    await client.subscribeAsync(`/${productKey}/dev01/user/get`);
    const message = nextMessage(client, `/${productKey}/dev01/user/get`);
    const pub = await api({
      Action: 'Pub',
      ProductKey: productKey,
      TopicFullName: `/${productKey}/dev01/user/get`,
      MessageContent: base64('hello'),
      Qos: 1,
    });
    expect(pub).toEqual({
      status: 200,
      body: {
        RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
        Success: true,
        MessageId: expect.any(Number),
      },
    });
    expect((await message).payload.toString()).toBe('hello');
    expect(
      (await api({ Action: 'GetDeviceStatus', ProductKey: productKey, DeviceName: 'dev01' })).body.Data,
    ).toEqual({ Status: 'ONLINE' });
    expect(
      (await api({ Action: 'GetDeviceStatus', ProductKey: productKey, DeviceName: 'dev02' })).body.Data,
    ).toEqual({ Status: 'OFFLINE' });
  });

  it('should call the device with RRpc and give back its answer, from a JSON body too', async () => {
    const client = clients[0]!;
    await client.subscribeAsync(`/sys/${productKey}/dev01/rrpc/request/+`);
    client.on('message', (topic, payload) => {
      if (topic.includes('/rrpc/request/'))
        void client.publishAsync(topic.replace('/request/', '/response/'), `pong:${payload.toString()}`);
    });
    const response = await fetch(printed.api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Action: 'RRpc',
        ProductKey: productKey,
        DeviceName: 'dev01',
        RequestBase64Byte: base64('ping'),
        Timeout: 3000,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      Success: true,
      RrpcCode: 'SUCCESS',
      PayloadBase64Byte: base64('pong:ping'),
    });
    expect(
      (
        await api({
          Action: 'RRpc',
          ProductKey: productKey,
          DeviceName: 'dev02',
          RequestBase64Byte: base64('x'),
          Timeout: 1000,
        })
      ).body,
    ).toMatchObject({ Success: true, RrpcCode: 'OFFLINE' });
  });

  it('should set properties, invoke a service and query property status as the thing model does', async () => {
    const client = clients[0]!;
    const set = `/sys/${productKey}/dev01/thing/service/property/set`;
    const service = `/sys/${productKey}/dev01/thing/service/reboot`;
    await client.subscribeAsync([set, service]);
    client.on('message', (topic, payload) => {
      if (topic !== set && topic !== service) return;
      const { id } = JSON.parse(payload.toString()) as { id: string };
      const data = topic === set ? {} : { done: true };
      void client.publishAsync(`${topic}_reply`, JSON.stringify({ id, code: 200, data }));
    });
    const setting = await api({
      Action: 'SetDeviceProperty',
      ProductKey: productKey,
      DeviceName: 'dev01',
      Items: '{"Power":1}',
    });
    expect(setting.body).toMatchObject({ Success: true, Data: { Code: 200, MessageId: expect.any(String) } });
    const invoking = await api({
      Action: 'InvokeThingService',
      ProductKey: productKey,
      DeviceName: 'dev01',
      Identifier: 'reboot',
      Args: '{"delay":1}',
    });
    expect(invoking.body).toMatchObject({ Success: true, Data: { Code: 200, Result: '{"done":true}' } });

    const post = `/sys/${productKey}/dev01/thing/event/property/post`;
    await client.subscribeAsync(`${post}_reply`);
    const replied = nextMessage(client, `${post}_reply`);
    await client.publishAsync(
      post,
      JSON.stringify({
        id: '5',
        version: '1.0',
        params: { temp: 21.5 },
        method: 'thing.event.property.post',
      }),
    );
    await replied;
    const status = await api({
      Action: 'QueryDevicePropertyStatus',
      ProductKey: productKey,
      DeviceName: 'dev01',
    });
    expect(status.body).toMatchObject({
      Success: true,
      Data: {
        List: {
          PropertyStatusInfo: [{ Identifier: 'temp', Value: '21.5', Time: expect.stringMatching(/^\d+$/) }],
        },
      },
    });
  });

  it("should hold the config's limits: a pack post's sub-devices, and the values kept of a property", async () => {
    const client = clients[0]!;
    const thing = `/sys/${productKey}/dev01/thing/event/property`;
    const request = async (topic: string, method: string, params: unknown) => {
      await client.subscribeAsync(`${topic}_reply`);
      const replied = nextMessage(client, `${topic}_reply`);
      await client.publishAsync(topic, JSON.stringify({ id: '9', version: '1.0', params, method }));
      return JSON.parse((await replied).payload.toString()) as Record<string, unknown>;
    };
    const pack = await request(`${thing}/pack/post`, 'thing.event.property.pack.post', {
      subDevices: [{ identity: { productKey, deviceName: 'dev02' }, properties: { temp: { value: 1 } } }],
    });
    expect(pack).toMatchObject({ code: 460, message: 'at most 0 sub-devices in one pack post, got 1' });
    const times = [1000, 2000, 3000];
    const history = await request(`${thing}/history/post`, 'thing.event.property.history.post', [
      {
        identity: { productKey, deviceName: 'dev01' },
        properties: times.map((time) => ({ level: { value: time / 1000, time } })),
      },
    ]);
    expect(history).toMatchObject({ code: 200 });
    const data = await api({
      Action: 'QueryDevicePropertyData',
      ProductKey: productKey,
      DeviceName: 'dev01',
      Identifier: 'level',
      StartTime: 0,
      EndTime: 5000,
    });
    expect(data.body).toMatchObject({
      Success: true,
      Data: {
        List: {
          PropertyInfo: [
            { Time: '2000', Value: '2' },
            { Time: '3000', Value: '3' },
          ],
        },
      },
    });
  });

  it('should keep the shadow: UpdateDeviceShadow pushes it, GetDeviceShadow reads it', async () => {
    const client = clients[0]!;
    await client.subscribeAsync(`/shadow/get/${productKey}/dev01`);
    const pushed = nextMessage(client, `/shadow/get/${productKey}/dev01`);
    const message = JSON.stringify({ method: 'update', state: { desired: { color: 'red' } }, version: 1 });
    expect(
      (
        await api({
          Action: 'UpdateDeviceShadow',
          ProductKey: productKey,
          DeviceName: 'dev01',
          ShadowMessage: message,
        })
      ).body,
    ).toMatchObject({ Success: true });
    expect(JSON.parse((await pushed).payload.toString())).toMatchObject({
      method: 'control',
      payload: { state: { desired: { color: 'red' } } },
    });
    const shadow = await api({ Action: 'GetDeviceShadow', ProductKey: productKey, DeviceName: 'dev01' });
    expect(JSON.parse(shadow.body.ShadowMessage as string)).toMatchObject({
      state: { desired: { color: 'red' } },
      version: 1,
    });
  });

  it('should broadcast with PubBroadcast and push a configured firmware with CreateOTAStaticUpgradeJob', async () => {
    const client = clients[0]!;
    const broadcast = nextMessage(client, `/sys/${productKey}/dev01/broadcast/request/+`);
    expect(
      (await api({ Action: 'PubBroadcast', ProductKey: productKey, MessageContent: base64('to all') })).body,
    ).toMatchObject({ Success: true, MessageId: expect.any(Number) });
    expect((await broadcast).payload.toString()).toBe('to all');

    await client.subscribeAsync(`/ota/device/upgrade/${productKey}/dev01`);
    const upgrade = nextMessage(client, `/ota/device/upgrade/${productKey}/dev01`);
    const job = await api({
      Action: 'CreateOTAStaticUpgradeJob',
      ProductKey: productKey,
      FirmwareId: 'fw-2',
      TargetSelection: 'SPECIFIC',
      'TargetDeviceName.1': 'dev01',
    });
    expect(job.body).toMatchObject({ Success: true, Data: { JobId: expect.any(String) } });
    const push = JSON.parse((await upgrade).payload.toString()) as {
      data: { version: string; size: number; url: string };
    };
    expect(push.data).toMatchObject({ version: '2.0.0', size: firmwareImage.length });
    const image = Buffer.from(await (await fetch(push.data.url)).arrayBuffer());
    expect(image.equals(firmwareImage)).toBe(true);
  });

  it('should answer a bad request as the platform does', async () => {
    expect(await api({ Action: 'GetDeviceStatus', ProductKey: productKey })).toMatchObject({
      status: 400,
      body: { Success: false, Code: 'MissingDeviceName' },
    });
    expect(
      await api({ Action: 'GetDeviceStatus', ProductKey: productKey, DeviceName: 'nobody' }),
    ).toMatchObject({ status: 200, body: { Success: false, Code: 'iot.device.NotExistedDevice' } });
    expect(
      await api({ Action: 'Pub', ProductKey: 'a1Other0001', TopicFullName: '/x', MessageContent: 'eA==' }),
    ).toMatchObject({ body: { Code: 'iot.prod.NotExistedProduct' } });
    expect(
      await api({
        Action: 'Pub',
        ProductKey: productKey,
        TopicFullName: '/elsewhere/x',
        MessageContent: 'eA==',
      }),
    ).toMatchObject({ body: { Code: 'iot.messagebroker.InvalidFormattedTopicName' } });
    expect(await api({ Action: 'Teleport' })).toMatchObject({
      status: 404,
      body: { Code: 'InvalidAction.NotFound' },
    });
  });

  it('should let a device register dynamically over mqtts with the printed CA, and log it', async () => {
    const store = memorySecretStore();
    const device = createDevice({
      ...dynamic,
      deviceName: 'fresh01',
      secretStore: store,
      endpoint: { url: printed.urls.mqtts },
      tls: { ca: readFileSync(printed.caFile, 'utf8') },
      reconnect: false,
    });
    try {
      const states: string[] = [];
      device.state$.subscribe((s) => states.push(s.status));
      device.start();
      await firstValueFrom(
        device.state$.pipe(filter((s) => s.status === 'connected' || s.status === 'closed')),
      );
      expect(states).toEqual(['idle', 'connecting', 'registering', 'connecting', 'connected']);
      const kept = await store.load({ productKey: dynamic.productKey, deviceName: 'fresh01' });
      issuedSecret = kept !== undefined && 'deviceSecret' in kept ? kept.deviceSecret : undefined;
      expect(issuedSecret).toMatch(/^[0-9a-f]{32}$/);
      await until(() => output.includes('a1CliDyn001/fresh01 connected as client'));
      expect(output).toMatch(/\n[\d:.]+ a1CliDyn001\/fresh01 registered \(register\)\n/);
    } finally {
      await device.close();
    }
  });

  it('should log connections, refusals, messages and API calls as lines, without a secret or a password', async () => {
    const log = output.slice(output.indexOf('ready; Ctrl-C stops it'));
    expect(log).toMatch(
      /\n\d\d:\d\d:\d\d\.\d{3} a1CliTest01\/dev01 connected as client a1CliTest01\.dev01\n/,
    );
    expect(log).toMatch(
      /\n[\d:.]+ refused client "a1CliTest01\.dev02\|securemode=3,signmethod=hmacsha256\|" username "dev02&a1CliTest01": bad-signature \(CONNACK 4\)\n/,
    );
    expect(log).toMatch(
      /\n[\d:.]+ a1CliTest01\/dev01 published on \/sys\/a1CliTest01\/dev01\/thing\/event\/property\/post qos 0 \(\d+ bytes\) /,
    );
    expect(log).toMatch(/\n[\d:.]+ api Pub a1CliTest01 -> 200 ok\n/);
    expect(log).toMatch(
      /\n[\d:.]+ api GetDeviceStatus a1CliTest01\/nobody -> 200 iot\.device\.NotExistedDevice: /,
    );
    for (const name of ['dev01', 'dev02'] as const) {
      expect(log).not.toContain(secrets[name]);
      expect(log).not.toContain(printed.devices[name]!.password);
    }
    expect(issuedSecret).toBeDefined();
    expect(output).not.toContain(issuedSecret);
    expect(output).not.toContain(dynamic.productSecret);
  });

  it('should stop cleanly on Ctrl-C', async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync()));
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    // Lines of connections that end while it closes may come in between.
    expect(output).toMatch(/SIGINT: stopping\n(?:.*\n)*[\d:.]+ stopped\n$/);
    expect(() => readFileSync(printed.caFile)).toThrow(/ENOENT/);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('rx-aliyun-iot emulator, its arguments', () => {
  const run = async (args: readonly string[]) => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
    // Stopped as soon as it is up: these tests are about what happens before.
    const code = await createEmulatorCommand(() => Promise.resolve('test')).run(args, io);
    return { code, stdout, stderr };
  };

  it('should say how it is used', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^usage: rx-aliyun-iot emulator/),
    });
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--port'], '--port takes a value'],
    [['--port', '70000'], '--port must be a port from 0 to 65535, got 70000'],
  ])('should refuse %j with its usage', async (args, problem) => {
    expect(await run(args)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining(`${problem}\n\nusage:`),
    });
  });

  it('should list every problem of a config file, never a secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-cli-'));
    try {
      const file = join(dir, 'emulator.json');
      writeFileSync(
        file,
        JSON.stringify({
          ports: { mqtt: -1 },
          products: [{ productKey: '', devices: [{ deviceName: 'd', deviceSecret: 42424242 }] }],
        }),
      );
      const { code, stderr } = await run(['--config', file]);
      expect(code).toBe(1);
      expect(stderr).toContain(`${file}: ports.mqtt: must be an integer from 0 to 65535, got -1`);
      expect(stderr).toContain(`${file}: products.0.productKey: must be a non-empty string, got ""`);
      expect(stderr).toContain(
        `${file}: products.0.devices.0.deviceSecret: must be a non-empty string, got a number`,
      );
      expect(stderr).not.toContain('42424242');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should start a device that registers dynamically, saying so without its product secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-cli-'));
    try {
      const file = join(dir, 'emulator.json');
      const productSecret = 'ProductSecret-0123456789';
      writeFileSync(
        file,
        JSON.stringify({
          ports: { mqtt: 0, mqtts: 0, ws: 0, wss: 0, api: 0 },
          products: [
            {
              productKey: 'a1DynReg001',
              productSecret,
              dynamicRegistration: true,
              devices: [{ deviceName: 'fresh' }],
            },
          ],
        }),
      );
      const { code, stdout, stderr } = await run(['--config', file]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(
        'device a1DynReg001/fresh\n  productKey    a1DynReg001\n  deviceName    fresh\n' +
          '  no deviceSecret: it registers dynamically with its product secret\n',
      );
      expect(stdout).not.toContain(productSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should say which port is in use', async () => {
    const { startEmulator } = await import('../../lib/emulator');
    const taken = await startEmulator({ products: [] });
    try {
      const free = ['--mqtts-port', '0', '--ws-port', '0', '--wss-port', '0', '--api-port', '0'];
      const { code, stderr } = await run(['--port', String(taken.port), ...free]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^cannot start the emulator: a port is in use .*: choose others with --port/);
    } finally {
      await taken.close();
    }
  });

  it('should start one demo device without a config file, and stop', async () => {
    const { code, stdout } = await run([
      '--port',
      '0',
      '--mqtts-port',
      '0',
      '--ws-port',
      '0',
      '--wss-port',
      '0',
      '--api-port',
      '0',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('device a1DemoProd1/demo-device\n');
    expect(stdout).toMatch(/test: stopping\n[\d:.]+ stopped\n$/);
  });
});
