// createDevice in a real browser: Debian's headless Chromium runs an esbuild browser bundle of a device (MQTT.js's
// browser build, no Node modules, no Buffer or process in the page) against the emulator's websocket listeners.
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { filter, type Subscription } from 'rxjs';
import { createCertificateAuthority, startEmulator, type Emulator } from '../lib/emulator';
import type { SignMethod } from '../lib/identity/signContent';
import type { BrowserOutcome, BrowserRun } from './support/browserDevice';
import { browserBundle, describeWithChromium, launchChromium } from './support/chromium';

const productKey = 'a1TestPK001';
const deviceSecret = '0123456789abcdef0123456789abcdef';
const devices = ['dev01', 'dev02', 'dev03', 'dev04'];

/** base64 SHA-256 of a certificate's public key, as Chromium's `--ignore-certificate-errors-spki-list` takes it. */
const spkiHash = (pem: string) =>
  createHash('sha256')
    .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');

describeWithChromium('createDevice in a browser', () => {
  let emulator: Emulator;
  let bundle: string;
  let trusting: Browser;
  let answering: Subscription;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    // A certificate of our own, so that the browser can be told to trust its key, and only its key: a page
    // cannot add an authority, and the emulator's own is made fresh at each start.
    const authority = createCertificateAuthority({ commonName: 'browser test CA' });
    const certificate = authority.issue({ hosts: ['localhost', '127.0.0.1'] });
    // One after the other, so that afterAll closes an emulator even when the bundle fails.
    emulator = await startEmulator({
      tls: { ...certificate, ca: authority.cert },
      products: [{ productKey, devices: devices.map((deviceName) => ({ deviceName, deviceSecret })) }],
    });
    bundle = await browserBundle(join(__dirname, 'support', 'browserDevice.ts'));
    // The cloud answers each device's update with a message on its /user/get.
    answering = emulator.received$
      .pipe(filter((m) => m.topic.endsWith('/user/update')))
      .subscribe(
        (m) => void emulator.publish(`/${m.productKey}/${m.deviceName}/user/get`, `hi ${m.deviceName}`),
      );
    trusting = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHash(certificate.cert)}`]);
    browsers.push(trusting);
  });

  afterAll(async () => {
    answering?.unsubscribe();
    await Promise.all(browsers.map((browser) => browser.close()));
    await emulator?.close();
  });

  async function pageOf(browser: Browser): Promise<Page> {
    const page = await browser.newPage();
    await page.addScriptTag({ content: bundle });
    return page;
  }

  function runIn(page: Page, run: BrowserRun): Promise<BrowserOutcome> {
    return page.evaluate(
      (r) => (globalThis as unknown as { runDevice(r: BrowserRun): Promise<BrowserOutcome> }).runDevice(r),
      run,
    );
  }

  it.each<[SignMethod, string, 'wss' | 'ws']>([
    ['hmacsha256', 'dev01', 'wss'],
    ['hmacsha1', 'dev02', 'wss'],
    ['hmacmd5', 'dev03', 'wss'],
    ['hmacsha256', 'dev04', 'ws'],
  ])(
    'should sign by %s, connect %s over %s, publish at QoS 1 and receive',
    async (signMethod, deviceName, listener) => {
      const page = await pageOf(trusting);
      const updates: string[] = [];
      const watching = emulator.received$
        .pipe(filter((m) => m.deviceName === deviceName))
        .subscribe((m) => updates.push(m.payload.toString()));
      try {
        const url = emulator.urls[listener];
        const outcome = await runIn(page, { url, productKey, deviceName, deviceSecret, signMethod });
        expect(outcome).toEqual({
          states: ['idle', 'connecting', 'connected', 'closed'],
          received: `hi ${deviceName}`,
          receipt: { qos: 1, bytes: 37 },
          globals: { Buffer: 'undefined', process: 'undefined' },
        });
        expect(updates).toEqual(['{"hello":"from a browser","ü":"✓"}']);
      } finally {
        watching.unsubscribe();
        await page.close();
      }
    },
  );

  it("should be refused over wss by a browser that does not trust the emulator's certificate", async () => {
    const doubting = await launchChromium();
    browsers.push(doubting);
    const page = await pageOf(doubting);
    const url = emulator.urls.wss;
    const outcome = await runIn(page, {
      url,
      productKey,
      deviceName: 'dev01',
      deviceSecret,
      signMethod: 'hmacsha256',
    });
    expect(outcome.states).toEqual(['idle', 'connecting', 'closed']);
    expect(outcome.error).toEqual(expect.any(String));
    expect(outcome.received).toBeUndefined();
  });

  it('should be refused with a wrong secret: the browser signs, the emulator checks', async () => {
    const page = await pageOf(trusting);
    const run = {
      url: emulator.urls.ws,
      productKey,
      deviceName: 'dev01',
      deviceSecret: 'wrong',
      signMethod: 'hmacmd5',
    } as const;
    const outcome = await runIn(page, run);
    expect(outcome.states).toEqual(['idle', 'connecting', 'closed']);
    expect(outcome.error).toMatch(/ConnectionRefusedError|bad username or password/);
  });
});
