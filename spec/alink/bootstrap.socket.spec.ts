// Device distribution from both ends: a device asks the emulator's HTTPS server where to connect, connects
// there, and serves the cloud's push that asks it to ask again.
import * as E from 'fp-ts/Either';
import { createServer } from 'node:net';
import { request } from 'node:https';
import { filter, firstValueFrom, lastValueFrom, of, throwError } from 'rxjs';
import { bootstrap, serveBootstrapNotify } from '../../lib/alink/bootstrap';
import { ReplyError } from '../../lib/alink/ReplyError';
import { httpsPost } from '../../lib/connection/httpsPost';
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
        ...options,
      }),
    );

  it('should find the endpoint the cloud names, and connect there', async () => {
    const found = await ask();
    const mqttsPort = Number(new URL(cloud.urls.mqtts).port);
    expect(found).toEqual(
      E.right({ host: '127.0.0.1', port: mqttsPort, endpoint: { url: cloud.urls.mqtts } }),
    );
    if (E.isLeft(found)) return;
    const moved = createDevice({
      ...device,
      deviceSecret,
      endpoint: found.right.endpoint,
      tls: { ca: cloud.ca },
      reconnect: false,
    });
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

  it('should name the plain listener when the emulator is told to, as an mqtt endpoint', async () => {
    await cloud.close();
    cloud = await startEmulator({
      products: [{ productKey: device.productKey, devices: [{ ...device, deviceSecret }] }],
      bootstrap: 'mqtt',
    });
    const found = await ask({ protocol: 'mqtt' });
    expect(found).toEqual(E.right({ host: '127.0.0.1', port: cloud.port, endpoint: { url: cloud.url } }));
  });

  it('should answer a form without its fields with 460, other requests with 404, and live on', async () => {
    const post = (form: string, path = '/auth/bootstrap') =>
      lastValueFrom(httpsPost({ url: `${cloud.urls.https}${path}`, form, tls: { ca: cloud.ca } }));
    const json = (answer: { body: Buffer }) => JSON.parse(String(answer.body)) as Record<string, unknown>;
    expect(json(await post('productKey=a1BootPK001'))).toMatchObject({ code: 460 });
    expect(json(await post('productKey=a1BootPK001&deviceName=boot01&resources=coap'))).toMatchObject({
      code: 460,
    });
    expect((await post('x=1', '//')).status).toBe(404);
    const get = await new Promise<number>((resolve, reject) =>
      request(`${cloud.urls.https}/auth/bootstrap`, { ca: cloud.ca }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(get).toBe(404);
    // Still serving.
    expect(E.isRight(await ask())).toBe(true);
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

  it('should reply with the failure of a notify handler that fails', async () => {
    const connected = createDevice({
      ...device,
      deviceSecret,
      endpoint: { url: cloud.url },
      reconnect: false,
    });
    try {
      const outcome = firstValueFrom(
        serveBootstrapNotify(connected, () => throwError(() => new ReplyError(100002, 'not now'))),
      );
      connected.start();
      await firstValueFrom(
        cloud.events$.pipe(
          filter((e) => e.type === 'subscribe' && e.filters.includes(connected.topics.bootstrapNotify)),
        ),
      );
      await cloud.notifyBootstrap(device);
      expect(await outcome).toMatchObject({ _tag: 'Failed', code: 100002, message: 'not now' });
    } finally {
      await connected.close();
    }
  });
});
