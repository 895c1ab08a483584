import { connect } from 'mqtt';
import { describeWithMosquitto, Mosquitto } from './mosquitto';

/** Resolves with what the promise gave, or 'still waiting' after `ms`; its timer goes when it resolves. */
const within = async <T>(promise: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(resolve, ms, 'still waiting')));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
};

describeWithMosquitto('Mosquitto (test support)', () => {
  let broker: Mosquitto | undefined;

  afterEach(async () => {
    broker?.resume();
    await broker?.close();
    broker = undefined;
  });

  it('should stop a broker that cannot act on SIGTERM, with SIGKILL after the grace period', async () => {
    broker = await Mosquitto.start();
    // A stopped process keeps a SIGTERM pending: only SIGKILL ends it.
    broker.pause();
    const startedAt = Date.now();

    expect(await within(broker.stop({ graceMs: 200 }), 10_000)).toBeUndefined();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
  });

  it('should stop a running broker with SIGTERM, and start it again on the same port', async () => {
    broker = await Mosquitto.start();
    await broker.stop();
    await broker.start();
    const client = connect(broker.url, { reconnectPeriod: 0 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.endAsync();
  });
});
