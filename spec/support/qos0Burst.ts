// Run as a child process by spec/device.spec.ts, so that the test sees what Node prints on stderr (a
// MaxListenersExceededWarning goes to the real process, which a jest test cannot listen to):
// `node --import tsx spec/support/qos0Burst.ts <url> <count>` publishes <count> QoS 0 messages in one
// tick and prints how many receipts came.
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { createDevice } from '../../lib/device';
import { testDevice } from './testBrokers';

async function main(url: string, count: number): Promise<void> {
  const device = createDevice({ ...testDevice, endpoint: { url }, reconnect: false });
  device.start();
  await firstValueFrom(device.state$.pipe(filter((state) => state.status === 'connected')));
  const topic = `/sys/${testDevice.productKey}/${testDevice.deviceName}/thing/event/property/post`;
  const payload = 'x'.repeat(100);
  const receipts = Array.from({ length: count }, () =>
    lastValueFrom(device.publish({ topic, payload, qos: 0 })),
  );
  const done = await Promise.all(receipts);
  await device.close();
  process.stdout.write(`${done.length}\n`);
}

main(process.argv[2] ?? '', Number(process.argv[3])).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
