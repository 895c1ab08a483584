// The browser twin of httpsSend (fetch), run under Node, whose fetch is the browser's API, against a plain
// HTTP server on loopback (a browser's own certificate store cannot be given a test CA from here).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { ConnectionLostError } from '../../lib/connection/errors';
import { httpsSend } from '../../lib/connection/httpsSend.browser';

let server: Server;
let url: string;
const bodies: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const password =
        request.headers['password'] === undefined ? '' : ` password=${request.headers['password']}`;
      bodies.push(`${request.method} ${request.headers['content-type']}${password} ${body}`);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/register/device`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpsSend (browser)', () => {
  beforeEach(() => bodies.splice(0));

  it('should post the body with fetch, with its content type and headers, and emit the status and body', async () => {
    const body = new TextEncoder().encode('productKey=pk&deviceName=dn');
    const answer = await lastValueFrom(
      httpsSend({ url, body, contentType: 'application/x-www-form-urlencoded' }),
    );
    expect(answer.status).toBe(200);
    expect(new TextDecoder().decode(answer.body)).toBe('{"code":200}');
    await lastValueFrom(
      httpsSend({
        url,
        body: new TextEncoder().encode('hi'),
        contentType: 'application/octet-stream',
        headers: { password: 'tok' },
      }),
    );
    expect(bodies).toEqual([
      'POST application/x-www-form-urlencoded productKey=pk&deviceName=dn',
      'POST application/octet-stream password=tok hi',
    ]);
  });

  it('should error with a ConnectionLostError when nothing listens', async () => {
    const closed = url.replace(/:\d+\//, ':1/');
    const body = new Uint8Array();
    await expect(
      lastValueFrom(httpsSend({ url: closed, body, contentType: 'text/plain' })),
    ).rejects.toBeInstanceOf(ConnectionLostError);
  });
});
