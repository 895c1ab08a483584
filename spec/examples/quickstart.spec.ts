import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// Runs `npm start`'s program for real, against its embedded emulator, until it has shown every path of the
// seed; then stops it with Ctrl-C (SIGINT) and reads what it printed.
describe('examples/quickstart', () => {
  it('should connect, sync its clock, publish hello world, answer an RRPC request, upgrade its firmware all the way, post a property, serve a service, and stop cleanly on Ctrl-C', async () => {
    const env = { ...process.env };
    for (const name of ['ALIYUN_PRODUCT_KEY', 'ALIYUN_DEVICE_NAME', 'ALIYUN_DEVICE_SECRET']) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', join('examples', 'quickstart.ts')], {
      cwd: join(__dirname, '..', '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const wanted = [
      'connected',
      'published "hello world"',
      'RRPC reply   ←',
      'clock synced over NTP',
      'firmware version 1.0.1 reported',
      'property post ←',
      'service getStatus ←',
    ];
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
    const [code] = await exited;

    expect(output).toMatch(/embedded emulator on mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('connected, session present: false (getAliyunSta 0)');
    expect(output).toContain('published "hello world" on /broadcast/a1QuickStart/123');
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
    expect(output).not.toContain('quickstart-secret');
    expect(code).toBe(0);
  });
});
