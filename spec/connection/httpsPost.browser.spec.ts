// The browser twin of httpsPost (fetch), run under Node, whose fetch is the browser's API, against a plain
// HTTP server on loopback (a browser's own certificate store cannot be given a test CA from here).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { ConnectionLostError } from '../../lib/connection/errors';
import { httpsPost } from '../../lib/connection/httpsPost.browser';

let server: Server;
let url: string;
const bodies: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(`${request.method} ${request.headers['content-type']} ${body}`);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/register/device`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpsPost (browser)', () => {
  it('should post the form with fetch and emit the status and body', async () => {
    const answer = await lastValueFrom(httpsPost({ url, form: 'productKey=pk&deviceName=dn' }));
    expect(answer.status).toBe(200);
    expect(new TextDecoder().decode(answer.body)).toBe('{"code":200}');
    expect(bodies).toEqual(['POST application/x-www-form-urlencoded productKey=pk&deviceName=dn']);
  });

  it('should error with a ConnectionLostError when nothing listens', async () => {
    const closed = url.replace(/:\d+\//, ':1/');
    await expect(lastValueFrom(httpsPost({ url: closed, form: '' }))).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
  });
});
