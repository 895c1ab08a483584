// Node's HTTPS port of device access and registration, against a loopback HTTPS server each test starts and
// closes (httpsSend speaks HTTPS only: a plain http.createServer cannot answer it).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { lastValueFrom, timeout } from 'rxjs';
import { ConnectionLostError } from '../../lib/connection/errors';
import { httpsSend } from '../../lib/connection/httpsSend';
import { TlsError } from '../../lib/connection/TlsError';
import { createCertificateAuthority } from '../../lib/emulator/certificates';

const authority = createCertificateAuthority({ commonName: 'httpsSend spec CA' });
const certificate = authority.issue({ hosts: ['127.0.0.1'] });

/** What the server heard of one request. */
interface Heard {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server | undefined;
afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing === undefined) return;
  closing.closeAllConnections();
  await new Promise((resolve) => closing.close(resolve));
});

/** Starts a loopback HTTPS server that answers with `answer`; resolves with its origin. */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer(certificate, answer);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads a request's body, then hands what was heard to `then`. */
const hear = (request: IncomingMessage, then: (heard: Heard) => void) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () =>
    then({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: Buffer.concat(chunks).toString(),
    }),
  );
};

const post = (url: string, extra: { headers?: Record<string, string>; trusted?: boolean } = {}) =>
  httpsSend({
    url,
    body: new TextEncoder().encode('{"a":1}'),
    contentType: 'application/json',
    ...(extra.headers === undefined ? {} : { headers: extra.headers }),
    ...(extra.trusted === false ? {} : { tls: { ca: authority.cert } }),
  });

describe('httpsSend', () => {
  it('should post the body with its content-type, length and headers, and emit the status and body', async () => {
    const heard: Heard[] = [];
    const origin = await serve((request, response) =>
      hear(request, (h) => {
        heard.push(h);
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"code":0}');
      }),
    );
    const answer = await lastValueFrom(
      post(`${origin}/topic/pk/dn/user/update`, { headers: { password: 't1' } }),
    );
    expect({ status: answer.status, body: answer.body.toString() }).toEqual({
      status: 201,
      body: '{"code":0}',
    });
    expect(Buffer.isBuffer(answer.body)).toBe(true);
    expect(heard).toEqual([
      {
        method: 'POST',
        url: '/topic/pk/dn/user/update',
        headers: expect.objectContaining({
          'content-type': 'application/json',
          'content-length': '7',
          password: 't1',
        }),
        body: '{"a":1}',
      },
    ]);
  });

  it('should emit an answer of any status, an error status included, with its body', async () => {
    const origin = await serve((request, response) => {
      request.resume();
      response.writeHead(503).end('busy');
    });
    const answer = await lastValueFrom(post(`${origin}/auth`));
    expect({ status: answer.status, body: answer.body.toString() }).toEqual({ status: 503, body: 'busy' });
  });

  it('should error with a ConnectionLostError when the server closes in the middle of the body', async () => {
    const origin = await serve((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"code":', () => response.socket?.destroy());
    });
    await expect(lastValueFrom(post(`${origin}/auth`))).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('should error with a ConnectionLostError when the server closes before answering', async () => {
    const origin = await serve((request) => request.socket.destroy());
    await expect(lastValueFrom(post(`${origin}/auth`))).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('should error with a TlsError against a server it does not trust', async () => {
    const origin = await serve((request, response) => {
      request.resume();
      response.end();
    });
    await expect(lastValueFrom(post(`${origin}/auth`, { trusted: false }))).rejects.toBeInstanceOf(TlsError);
  });

  it('should abort the request when a timeout unsubscribes before any answer', async () => {
    let closedUnanswered!: () => void;
    const aborted = new Promise<void>((resolve) => (closedUnanswered = resolve));
    const origin = await serve((request, response) => {
      request.resume();
      // Never answers: only the client can end this request.
      response.on('close', () => {
        if (!response.headersSent) closedUnanswered();
      });
    });
    await expect(lastValueFrom(post(`${origin}/auth`).pipe(timeout(200)))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await aborted;
  });
});
