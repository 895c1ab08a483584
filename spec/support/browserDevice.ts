// Runs in the browser page of device.browser.spec.ts, bundled by esbuild for the browser from lib/ (each
// `x.browser.ts` in place of its `x.ts`, as the package's `browser` field does): a device that connects,
// subscribes, publishes at QoS 1 and takes a message from the cloud, then closes.
import { filter, firstValueFrom, take, timeout } from 'rxjs';
// From the package's index, as an app imports it: a Node module anywhere under it fails the bundle.
import { createDevice, type SignMethod } from '../../lib';

export interface BrowserRun {
  readonly url: string;
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  readonly signMethod: SignMethod;
}

export interface BrowserOutcome {
  readonly states: readonly string[];
  readonly received?: string | undefined;
  readonly receipt?: { readonly qos: number; readonly bytes: number } | undefined;
  readonly error?: string | undefined;
  /** What the page has of Node: none of it, or the test proves nothing. */
  readonly globals: { readonly Buffer: string; readonly process: string };
}

async function runDevice(run: BrowserRun): Promise<BrowserOutcome> {
  const states: string[] = [];
  const globals = { Buffer: typeof globalThis.Buffer, process: typeof globalThis.process };
  const device = createDevice({
    productKey: run.productKey,
    deviceName: run.deviceName,
    deviceSecret: run.deviceSecret,
    signMethod: run.signMethod,
    endpoint: { url: run.url },
    reconnect: false,
  });
  device.state$.subscribe((state) => states.push(state.status));
  try {
    const inbox = `/${run.productKey}/${run.deviceName}/user/get`;
    const message = firstValueFrom(device.observe(inbox).pipe(take(1), timeout(10_000)));
    device.start();
    const settled = await firstValueFrom(
      device.state$.pipe(
        filter((s) => s.status === 'connected' || s.status === 'closed'),
        timeout(10_000),
      ),
    );
    if (settled.status === 'closed') return { states, error: String(settled.error), globals };
    const receipt = await firstValueFrom(
      device.publish({
        topic: `/${run.productKey}/${run.deviceName}/user/update`,
        payload: { hello: 'from a browser', ü: '✓' },
        qos: 1,
      }),
    );
    const received = (await message).payload.toString();
    return { states, received, receipt: { qos: receipt.qos, bytes: receipt.bytes }, globals };
  } catch (error) {
    return { states, error: String(error), globals };
  } finally {
    await device.close();
  }
}

(globalThis as { runDevice?: typeof runDevice }).runDevice = runDevice;
