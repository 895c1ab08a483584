import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `npm start`'s program for real, against its embedded emulator, with its data in `data`, until it has
 * printed every line of `wanted`; then stops it with Ctrl-C (SIGINT) and gives what it printed.
 */
async function runQuickstart(
  data: string,
  wanted: readonly string[],
): Promise<{ output: string; code: number | null }> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUICKSTART_DATA: data };
  for (const name of [
    'ALIYUN_PRODUCT_KEY',
    'ALIYUN_DEVICE_NAME',
    'ALIYUN_DEVICE_SECRET',
    'ALIYUN_PRODUCT_SECRET',
  ])
    delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', join('examples', 'quickstart.ts')], {
    cwd: join(__dirname, '..', '..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const seenAll = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (wanted.every((line) => output.includes(line))) resolve();
    });
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  try {
    await Promise.race([seenAll, exited]);
  } finally {
    child.kill('SIGINT');
  }
  const [code] = (await exited) as [number | null];
  return { output, code };
}

describe('examples/quickstart', () => {
  let data: string;
  beforeAll(() => (data = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-quickstart-'))));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('should register with the product secret, sync its clock, publish hello world and hear it, answer RRPC, upgrade its firmware all the way, post a property, serve a service, and stop on Ctrl-C', async () => {
    const wanted = [
      'Subscribe Recv',
      'RRPC reply   ←',
      'clock synced over NTP',
      'firmware version 1.0.1 reported',
      'property post ←',
      'service getStatus ←',
    ];
    const { output, code } = await runQuickstart(data, wanted);

    expect(output).toMatch(/embedded emulator on mqtts:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('no device secret kept yet: the device registers with its product secret');
    expect(output).toContain('registering with the product secret, attempt 1 (getAliyunSta 1)');
    expect(output).toContain(`registered: the device secret is kept in ${join(data, 'device-secret.json')}`);
    expect(output).toContain('connected, session present: false (getAliyunSta 0)');
    expect(output).toContain('published "hello world" on /a1QuickStart/Chic_001/user/update');
    expect(output).toContain('Subscribe Recv: Topic=/broadcast/a1QuickStart/123, Msg=hello world');
    expect(output).toMatch(/RRPC reply sent on \/sys\/a1QuickStart\/Chic_001\/rrpc\/response\/\d+/);
    expect(output).toMatch(
      /clock synced over NTP: platform time \d{4}-\d\d-\d\dT[\d:.]+Z, offset -?\d+(\.\d+)? ms, round trip \d+(\.\d+)? ms/,
    );
    expect(output).toMatch(
      /received {2}← \/ext\/ntp\/a1QuickStart\/Chic_001\/request \{"deviceSendTime":"\d+"\}/,
    );
    // The OTA path all the way: pushed with an image, downloaded and verified, progress reported, installed,
    // and the new version reported.
    expect(output).toMatch(/OTA push of firmware 1\.0\.1 \(262144 bytes at http:\/\/127\.0\.0\.1:\d+\/.*\)/);
    expect(output).toMatch(/device OTA offer: firmware 1\.0\.1, 262144 bytes, MD5 [0-9a-f]{32}/);
    expect(output).toMatch(/received {2}← \/ota\/device\/progress\/a1QuickStart\/Chic_001 .*"step":"0"/);
    expect(output).toMatch(/received {2}← \/ota\/device\/progress\/a1QuickStart\/Chic_001 .*"step":"100"/);
    expect(output).toContain('firmware 1.0.1 downloaded and verified');
    expect(output).toContain('firmware 1.0.1 installed');
    expect(output).toMatch(
      /received {2}← \/ota\/device\/inform\/a1QuickStart\/Chic_001 .*"version":"1\.0\.1"/,
    );
    expect(output).toMatch(
      /device property post ← \{"id":"\d+","code":200,.*"method":"thing\.event\.property\.post"/,
    );
    expect(output).toContain('device service getStatus: Answered');
    expect(output).toMatch(
      /cloud {2}service getStatus ← \{"id":"\d+","code":200,"data":\{"status":"ok","uptimeMs":\d+\}\}/,
    );
    expect(output).toContain('closed (getAliyunSta 2)');
    expect(output).toContain('stopped cleanly');
    expect(code).toBe(0);

    const kept = JSON.parse(readFileSync(join(data, 'device-secret.json'), 'utf8')) as {
      a1QuickStart: { Chic_001: { deviceSecret: string } };
    };
    expect(output).not.toContain(kept.a1QuickStart.Chic_001.deviceSecret);
    expect(output).not.toContain('mj7qKfEn73y07gyK');
  });

  it('should use the kept secret on the next run, without registering again', async () => {
    const { output, code } = await runQuickstart(data, ['Subscribe Recv: Topic=/broadcast/a1QuickStart/123']);
    expect(output).toContain(`using the device secret kept in ${join(data, 'device-secret.json')}`);
    expect(output).toContain('connected, session present: false (getAliyunSta 0)');
    expect(output).not.toContain('registering');
    expect(output).toContain('stopped cleanly');
    expect(code).toBe(0);
  });
});
