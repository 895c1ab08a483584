// The cloud side of HTTPS device access, driven by plain HTTPS requests written as the platform documents
// them (doc "HTTP连接通信"): POST /auth with JSON, POST /topic/${topic} with the token in `password`.
import { Agent, get, request } from 'node:https';
import { lastValueFrom } from 'rxjs';
import { httpsSend } from '../../lib/connection/httpsSend';
import { startEmulator, type Emulator } from '../../lib/emulator';
import { within } from '../support/within';
import { elapse } from '../support/timerOverflows';

const PK = 'a1HttpPK001';
const METER = { productKey: PK, deviceName: 'meter01', deviceSecret: 'meter-secret-01' };

describe('httpsDeviceAccess', () => {
  let cloud: Emulator;
  let now: number;

  beforeEach(async () => {
    now = 1_700_000_000_000;
    cloud = await startEmulator({
      products: [
        {
          productKey: PK,
          topicClasses: [{ topic: 'user/update', access: 'pub' }],
          devices: [METER, { deviceName: 'meter02', deviceSecret: 'meter-secret-02' }],
        },
      ],
      clock: () => now,
    });
  });

  afterEach(() => cloud.close());

  const send = (
    path: string,
    body: string | Uint8Array,
    contentType: string,
    headers?: Record<string, string>,
  ) =>
    lastValueFrom(
      httpsSend({
        url: `${cloud.urls.https}${path}`,
        body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
        contentType,
        ...(headers === undefined ? {} : { headers }),
        tls: { ca: cloud.ca },
      }),
    ).then(({ status, body: answer }): Record<string, unknown> => ({
      status,
      ...(JSON.parse(answer.toString()) as object),
    }));

  const SECRETS: Record<string, string> = { meter01: METER.deviceSecret, meter02: 'meter-secret-02' };
  const token = async (deviceName = 'meter01', clientId = 'sn-1') => {
    const { createHmac } = await import('node:crypto');
    const content = `clientId${clientId}deviceName${deviceName}productKey${PK}timestamp${now}`;
    const sign = createHmac('sha1', SECRETS[deviceName]!).update(content).digest('hex').toUpperCase();
    const body = JSON.stringify({
      version: 'default',
      clientId,
      signmethod: 'hmacsha1',
      sign,
      productKey: PK,
      deviceName,
      timestamp: String(now),
    });
    const answer = await send('/auth', body, 'application/json');
    expect(answer).toMatchObject({
      status: 200,
      code: 0,
      message: 'success',
      info: { token: expect.any(String) },
    });
    return (answer['info'] as { token: string }).token;
  };

  /** A post whose path goes on the wire as written (`httpsSend` would resolve `.` and `..` first). */
  const rawPost = (path: string, headers: Record<string, string>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const { hostname, port } = new URL(cloud.urls.https);
      const body = 'x';
      const headersOut = { ...headers, 'content-type': 'application/octet-stream', 'content-length': 1 };
      request({ hostname, port, path, method: 'POST', headers: headersOut, ca: cloud.ca }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            ...(JSON.parse(Buffer.concat(chunks).toString()) as object),
          }),
        );
      })
        .on('error', reject)
        .end(body);
    });

  it.each<[string, string]>([
    ['a ".." level', `/topic/${PK}/meter01/user/../user/update`],
    ['a "." level', `/topic/${PK}/meter01/./user/update`],
    ['a percent-encoded ".." level', `/topic/${PK}/meter01/user/%2e%2E/user/update`],
    ['a path that resolves into /topic', `/auth/../topic/${PK}/meter01/user/update`],
    ['a "+" level', `/topic/${PK}/meter01/user/+`],
    ['a percent-encoded "#"', `/topic/${PK}/meter01/user/%23`],
    ['a query string', `/topic/${PK}/meter01/user/update?qos=1`],
    ['an empty level', `/topic/${PK}/meter01//user/update`],
    ['a trailing "/"', `/topic/${PK}/meter01/user/update/`],
    ['percent-encoded slashes that make an empty level', `/topic/${PK}/meter01/user%2F%2Fupdate`],
    ['percent-encoding that is no UTF-8', `/topic/${PK}/meter01/user/%E0%A4%A`],
  ])('should refuse a topic path with %s with 10001, never as a topic', async (_name, path) => {
    const password = await token();
    const heard: string[] = [];
    const listening = cloud.received$.subscribe((message) => heard.push(message.topic));
    const events: unknown[] = [];
    const watching = cloud.events$.subscribe((event) => events.push(event));
    const answer = await rawPost(path, { password });
    listening.unsubscribe();
    watching.unsubscribe();
    expect(answer).toMatchObject({
      status: 200,
      code: 10001,
      message: expect.stringMatching(/^param error: /),
    });
    expect(heard).toEqual([]);
    expect(events).toEqual([{ type: 'http-access', action: 'publish', code: 10001 }]);
  });

  it('should take a topic whose levels are percent-encoded', async () => {
    const password = await token();
    expect(await rawPost(`/topic/${PK}/meter01/user/%75pdate`, { password })).toMatchObject({ code: 0 });
  });

  it('should take the documented authentication (an upper-case sign too) and a post with its token', async () => {
    const password = await token();
    const posted = await send(`/topic/${PK}/meter01/user/update`, 'hello', 'application/octet-stream', {
      password,
    });
    expect(posted).toMatchObject({
      status: 200,
      code: 0,
      message: 'success',
      info: { messageId: expect.any(Number) },
    });
  });

  it.each<[string, string, string, Record<string, string> | undefined, number]>([
    ['no token', `/topic/${PK}/meter01/user/update`, 'application/octet-stream', undefined, 20002],
    [
      'a token it never gave',
      `/topic/${PK}/meter01/user/update`,
      'application/octet-stream',
      { password: 'f00' },
      20003,
    ],
    ['a form body', `/topic/${PK}/meter01/user/update`, 'application/x-www-form-urlencoded', {}, 10001],
    ["another device's topic", `/topic/${PK}/meter02/user/update`, 'application/octet-stream', {}, 30001],
  ])('should answer a post with %s with its code', async (_name, path, contentType, headers, code) => {
    const password = await token();
    const withToken = headers === undefined ? undefined : { password, ...headers };
    expect(await send(path, 'x', contentType, withToken)).toMatchObject({ status: 200, code });
  });

  it('should answer an authentication that is no JSON object of the fields with 10001', async () => {
    expect(await send('/auth', 'productKey=x', 'application/x-www-form-urlencoded')).toMatchObject({
      code: 10001,
    });
    expect(await send('/auth', '{"productKey":"x"}', 'application/json')).toMatchObject({ code: 10001 });
    expect(await send('/auth', '{', 'application/json')).toMatchObject({ code: 10001 });
  });

  it.each<[string, 'auth' | 'publish']>([
    ['/auth', 'auth'],
    [`/topic/${PK}/meter01/user/update`, 'publish'],
  ])(
    'should answer a GET of %s with 405 and a param error, and an event as for any answer',
    async (path, action) => {
      const events: unknown[] = [];
      const watching = cloud.events$.subscribe((event) => events.push(event));
      const answer = await new Promise<[number | undefined, string | undefined, string]>((resolve, reject) =>
        get(`${cloud.urls.https}${path}`, { ca: cloud.ca }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve([response.statusCode, response.headers.allow, Buffer.concat(chunks).toString()]),
          );
        }).on('error', reject),
      );
      watching.unsubscribe();
      expect(answer).toEqual([405, 'POST', '{"code":10001,"message":"param error: GET is not POST"}']);
      expect(events).toEqual([{ type: 'http-access', action, code: 10001 }]);
    },
  );

  it('should answer a message over 128 KB with 10001', async () => {
    const password = await token();
    const big = new Uint8Array(128 * 1024 + 1);
    expect(
      await send(`/topic/${PK}/meter01/user/update`, big, 'application/octet-stream', { password }),
    ).toMatchObject({
      code: 10001,
    });
  });

  /**
   * Posts `size` bytes (chunked, unless `declared` gives a `content-length`) over a keep-alive connection and
   * keeps the request open. Resolves with the answer's code once the server has closed the connection, or
   * with what it waits for after 2 s.
   */
  const postAndWait = (password: string, size: number, declared?: number) =>
    new Promise<unknown>((resolve) => {
      const agent = new Agent({ keepAlive: true });
      let waitingFor = 'answer';
      const guard = setTimeout(() => {
        agent.destroy();
        resolve(`no ${waitingFor} within 2 s`);
      }, 2000);
      const headers = {
        password,
        'content-type': 'application/octet-stream',
        ...(declared === undefined ? {} : { 'content-length': declared }),
      };
      const path = `${cloud.urls.https}/topic/${PK}/meter01/user/update`;
      const outgoing = request(path, { method: 'POST', headers, ca: cloud.ca, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          waitingFor = 'close of the connection';
          outgoing.socket?.once('close', () => {
            clearTimeout(guard);
            agent.destroy();
            resolve(JSON.parse(Buffer.concat(chunks).toString()));
          });
        });
      });
      // The request is still being written when the server closes: that error is the client's.
      outgoing.on('error', () => undefined);
      if (size > 0) outgoing.write(Buffer.alloc(size));
      else outgoing.flushHeaders();
    });

  it('should answer 10001 as soon as a body passes 128 KB, not at its end, and close the connection', async () => {
    const password = await token();
    expect(await postAndWait(password, 128 * 1024 + 1)).toMatchObject({ code: 10001 });
  });

  it('should answer 10001 at once for a content-length over 128 KB, before any of the body', async () => {
    const password = await token();
    expect(await postAndWait(password, 0, 10 * 1024 * 1024)).toMatchObject({ code: 10001 });
  });

  it('should answer a post still coming in with 30001 when it closes, and close without waiting for it', async () => {
    const password = await token();
    const agent = new Agent({ keepAlive: true });
    try {
      const path = `${cloud.urls.https}/topic/${PK}/meter01/user/update`;
      const headers = { password, 'content-type': 'application/octet-stream', 'content-length': 10 };
      const answered = new Promise<[unknown, string | undefined]>((resolve, reject) => {
        const outgoing = request(path, { method: 'POST', headers, ca: cloud.ca, agent }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve([JSON.parse(Buffer.concat(chunks).toString()), response.headers.connection]),
          );
        });
        outgoing.on('error', reject);
        // 4 of the 10 bytes: the rest never comes.
        outgoing.write('half');
      });
      // Time for the post's headers and its first bytes to reach the handler.
      await elapse(100);
      const closed = cloud.close().then(() => 'closed');
      expect(await within(2000, answered, 'no answer after 2 s')).toEqual([
        { code: 30001, message: 'publish message error: the platform is closing' },
        'close',
      ]);
      expect(await within(2000, closed, 'still open after 2 s')).toBe('closed');
    } finally {
      agent.destroy();
    }
  });

  const postWith = async (password: string, deviceName = 'meter01') =>
    (await send(`/topic/${PK}/${deviceName}/user/update`, 'x', 'application/octet-stream', { password }))[
      'code'
    ];

  it("should keep a client's latest token only: the one before is unknown (20003), another client's stays", async () => {
    const first = await token();
    const other = await token('meter01', 'sn-2');
    const second = await token();
    expect(await postWith(first)).toBe(20003);
    expect(await postWith(second)).toBe(0);
    expect(await postWith(other)).toBe(0);
  });

  it('should forget expired tokens when a device authenticates: an expired one is then unknown (20003)', async () => {
    const expiredThenSwept = await token();
    const expiredThenTold = await token('meter02');
    now += 8 * 24 * 60 * 60 * 1000;
    expect(await postWith(expiredThenTold, 'meter02')).toBe(20001);
    const fresh = await token('meter02', 'sn-9');
    expect(await postWith(expiredThenSwept)).toBe(20003);
    expect(await postWith(fresh, 'meter02')).toBe(0);
  });

  it('should answer a message id of digits only, past 2^53, whatever fraction its clock gives', async () => {
    const password = await token();
    now += 0.25;
    const answer = await lastValueFrom(
      httpsSend({
        url: `${cloud.urls.https}/topic/${PK}/meter01/user/update`,
        body: new TextEncoder().encode('x'),
        contentType: 'application/octet-stream',
        headers: { password },
        tls: { ca: cloud.ca },
      }),
    );
    const digits = /"messageId":(\d+)\}/.exec(answer.body.toString())?.[1];
    expect(digits).toMatch(/^1700000000000\d{6}$/);
    expect(BigInt(digits!) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
