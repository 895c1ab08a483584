// Device distribution from both ends: a device asks the emulator's HTTPS server where to connect, connects
// there, and serves the cloud's push that asks it to ask again.
import * as E from 'fp-ts/Either';
import { createServer } from 'node:net';
import { filter, firstValueFrom, lastValueFrom, of } from 'rxjs';
import { bootstrap, serveBootstrapNotify } from '../../lib/alink/bootstrap';
import { createDevice } from '../../lib/device';
import { startEmulator, type Emulator } from '../../lib/emulator';

const device = { productKey: 'a1BootPK001', deviceName: 'boot01' };
const deviceSecret = 'boot-secret-0123456789abcdef';

describe('bootstrap against the emulator', () => {
  let cloud: Emulator;
  beforeEach(async () => {
    cloud = await startEmulator({
      products: [{ productKey: device.productKey, devices: [{ ...device, deviceSecret }] }],
    });
  });
  afterEach(() => cloud.close());

  const ask = (options: { url?: string; protocol?: 'mqtt' | 'mqtts' } = {}) =>
    lastValueFrom(
      bootstrap(device, {
        url: `${cloud.urls.https}/auth/bootstrap`,
        tls: { ca: cloud.ca },
        protocol: 'mqtt',
        ...options,
      }),
    );

  it('should find the endpoint the cloud names, and connect there', async () => {
    const found = await ask();
    expect(found).toEqual(E.right({ host: '127.0.0.1', port: cloud.port, endpoint: { url: cloud.url } }));
    if (E.isLeft(found)) return;
    const moved = createDevice({ ...device, deviceSecret, endpoint: found.right.endpoint, reconnect: false });
    try {
      moved.start();
      await firstValueFrom(moved.state$.pipe(filter((s) => s.status === 'connected')));
    } finally {
      await moved.close();
    }
  });

  it('should give a refusal, an answer that is none, and a server that is not there as values', async () => {
    expect(
      await lastValueFrom(
        bootstrap(
          { ...device, deviceName: 'nobody' },
          { url: `${cloud.urls.https}/auth/bootstrap`, tls: { ca: cloud.ca } },
        ),
      ),
    ).toEqual(
      E.left({
        _tag: 'BootstrapFailure',
        reason: 'refused',
        code: 6100,
        message: `the device ${device.productKey}/nobody does not exist`,
      }),
    );
    expect(await ask({ url: `${cloud.urls.https}/elsewhere` })).toEqual(
      E.left(
        expect.objectContaining({ reason: 'bad-answer', message: 'HTTP 404, and the body is not JSON' }),
      ),
    );
    // A port nothing listens on: taken and let go.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await ask({ url: `https://127.0.0.1:${port}/auth/bootstrap` })).toEqual(
      E.left(expect.objectContaining({ _tag: 'BootstrapFailure', reason: 'unreachable' })),
    );
  });

  it('should name the TLS listener when the emulator is told to, as an mqtts endpoint', async () => {
    await cloud.close();
    cloud = await startEmulator({
      products: [{ productKey: device.productKey, devices: [{ ...device, deviceSecret }] }],
      bootstrap: 'mqtts',
    });
    const found = await ask({ protocol: 'mqtts' });
    expect(found).toEqual(E.right(expect.objectContaining({ endpoint: { url: cloud.urls.mqtts } })));
  });

  it("should serve the cloud's push to bootstrap again, and answer it", async () => {
    const connected = createDevice({
      ...device,
      deviceSecret,
      endpoint: { url: cloud.url },
      reconnect: false,
    });
    try {
      const pushes: unknown[] = [];
      const outcome = firstValueFrom(
        serveBootstrapNotify(connected, (params) => {
          pushes.push(params);
          return of('asked again');
        }),
      );
      connected.start();
      await firstValueFrom(
        cloud.events$.pipe(
          filter((e) => e.type === 'subscribe' && e.filters.includes(connected.topics.bootstrapNotify)),
        ),
      );
      const answered = firstValueFrom(
        cloud.received$.pipe(filter((m) => m.topic === connected.topics.bootstrapNotifyReply)),
      );
      const { messageId } = await cloud.notifyBootstrap(device);
      expect(await outcome).toMatchObject({ _tag: 'Answered', id: messageId });
      expect(pushes).toEqual([{ cmd: 0 }]);
      expect(JSON.parse(String((await answered).payload))).toMatchObject({
        id: messageId,
        code: 200,
        data: {},
      });
    } finally {
      await connected.close();
    }
  });
});
