// The default download port against the emulator's file server (and small servers of the test's own, on loopback).
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import type { DownloadBody } from '../../lib/download/DownloadPort';
import { nodeDownloadPort } from '../../lib/download/nodeDownloadPort';
import { startFileServer, type FileServer } from '../../lib/emulator/fileServer';
import { fileCa, fileCertificate } from '../support/fileCertificate';
import { imageBytes, tempDir, type TempDir } from '../support/tempDir';

async function bodyOf(body: DownloadBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('nodeDownloadPort', () => {
  let files: FileServer;
  let dir: TempDir;
  const servers: Server[] = [];
  const image = imageBytes(50_000);

  beforeEach(async () => {
    files = await startFileServer('127.0.0.1', fileCertificate);
    dir = await tempDir();
  });
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))),
    );
    await files.close();
    await dir.remove();
  });

  it('should GET the whole file from offset 0, and the rest with Range from an offset', async () => {
    const { url } = await files.serve(image);
    const port = nodeDownloadPort();
    const whole = await firstValueFrom(port.get({ url, offset: 0 }));
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(image.length));
    expect((await bodyOf(whole.body)).equals(image)).toBe(true);
    const rest = await firstValueFrom(port.get({ url, offset: 20_000 }));
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes 20000-49999/${image.length}`);
    expect((await bodyOf(rest.body)).equals(image.subarray(20_000))).toBe(true);
  });

  it('should download over HTTPS, trusting the CAs it is given and no others', async () => {
    const { httpsUrl } = await files.serve(image);
    const trusting = await firstValueFrom(
      nodeDownloadPort({ tls: { ca: fileCa } }).get({ url: httpsUrl, offset: 100 }),
    );
    expect(trusting.status).toBe(206);
    expect((await bodyOf(trusting.body)).equals(image.subarray(100))).toBe(true);
    await expect(firstValueFrom(nodeDownloadPort().get({ url: httpsUrl, offset: 0 }))).rejects.toMatchObject({
      code: expect.stringMatching(/CERT|SIGN|ISSUER|VERIFY/),
    });
  });

  it('should follow a redirect, keeping the range', async () => {
    const { url } = await files.serve(image);
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: url }).end());
    servers.push(redirecting);
    const origin = await listen(redirecting);
    const response = await firstValueFrom(nodeDownloadPort().get({ url: `${origin}/fw.bin`, offset: 10 }));
    expect(response.status).toBe(206);
    expect((await bodyOf(response.body)).equals(image.subarray(10))).toBe(true);
  });

  it('should fail a body whose socket stays silent past the idle timeout', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only ten b');
    });
    servers.push(stalling);
    const origin = await listen(stalling);
    const response = await firstValueFrom(
      nodeDownloadPort({ idleTimeoutMs: 50 }).get({ url: origin, offset: 0 }),
    );
    await expect(bodyOf(response.body)).rejects.toThrow();
  });

  it('should refuse a URL that is not http or https', async () => {
    await expect(
      firstValueFrom(nodeDownloadPort().get({ url: 'ftp://127.0.0.1/fw.bin', offset: 0 })),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('should fail with the network error when nothing listens', async () => {
    const gone = createServer();
    const origin = await listen(gone);
    await new Promise((resolve) => gone.close(resolve));
    await expect(firstValueFrom(nodeDownloadPort().get({ url: origin, offset: 0 }))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('should write a file, truncating an old one, and remove it', async () => {
    const port = nodeDownloadPort();
    const path = dir.file('fw.bin');
    for (const text of ['a longer first version', 'second']) {
      const file = port.openFile(path);
      await new Promise<void>((resolve) => file.end(text, () => resolve()));
    }
    expect(await readFile(path, 'utf8')).toBe('second');
    await lastValueFrom(port.removeFile(path), { defaultValue: undefined });
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    // Removing what is not there is no error.
    await lastValueFrom(port.removeFile(path), { defaultValue: undefined });
  });
});
