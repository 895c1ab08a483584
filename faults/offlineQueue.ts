// The offline queue at scale: publishes made while the broker is away, with a queue that holds them all and
// with the default queue (1,000, overflow 'error'); the heap before, with the queue full, and after.
import { createDevice } from '../lib/device';
import { freePort } from '../spec/support/mosquitto';
import { testDevice } from '../spec/support/testBrokers';
import { int, mb, report, Tally, reasonOf } from './support';

const heap = (): number => {
  global.gc?.();
  return process.memoryUsage().heapUsed;
};

export async function offlineQueue(publishes: number): Promise<void> {
  // Nothing listens on this port: the device stays offline, reconnecting, for the whole run.
  const url = `mqtt://127.0.0.1:${await freePort()}`;
  for (const limit of [publishes, undefined]) {
    const before = heap();
    const device = createDevice({
      ...testDevice,
      endpoint: { url },
      ...(limit === undefined ? {} : { offlineQueue: { limit } }),
    });
    device.start();
    const failed = new Tally();
    const startedAt = Date.now();
    for (let i = 0; i < publishes; i++) {
      device
        .publish({
          topic: `/${testDevice.productKey}/${testDevice.deviceName}/user/q`,
          payload: `r${i}`,
          qos: 1,
        })
        .subscribe({ error: (error: unknown) => failed.add(reasonOf(error)) });
    }
    const queuedMs = Date.now() - startedAt;
    const full = heap();
    const refusedWhileOffline = failed.total;
    const closingAt = Date.now();
    await device.close();
    const closeMs = Date.now() - closingAt;
    const after = heap();
    report(
      `Offline queue: ${int(publishes)} QoS 1 publishes while offline, ` +
        (limit === undefined
          ? 'the default queue (1,000, overflow error)'
          : `offlineQueue.limit ${int(limit)}`),
      [
        ['queued in', `${int(queuedMs)} ms`],
        ['refused while offline', int(refusedWhileOffline)],
        ['close() in', `${int(closeMs)} ms`],
        ['failed on close()', `${int(failed.total - refusedWhileOffline)} (${failed.toString()})`],
        ['heap before / queue full / after close()', `${mb(before)} / ${mb(full)} / ${mb(after)}`],
        // Only where the queue took them all: refused publishes allocate too, and are gone.
        ...(limit === undefined
          ? []
          : ([['heap per queued publish', `${int((full - before) / publishes)} bytes`]] as const)),
      ],
    );
  }
}
