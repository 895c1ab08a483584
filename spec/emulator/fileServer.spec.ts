// The emulator's HTTP file server, spoken to with Node's own http client.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { get as httpsGet } from 'node:https';
import { firstValueFrom, take, toArray } from 'rxjs';
import { startFileServer, type FileServer } from '../../lib/emulator/fileServer';
import { fileCa, fileCertificate } from '../support/fileCertificate';
import { imageBytes, tempDir, type TempDir } from '../support/tempDir';

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  error?: Error;
}

/** GETs `url` and collects the body, or as much of it as came before the connection broke. */
function fetch(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      const done = (error?: Error) =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ...(error ? { error } : {}),
        });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done());
      res.on('error', (error) => done(error));
    }).on('error', reject);
  });
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

describe('startFileServer', () => {
  let server: FileServer;
  let dir: TempDir;
  const image = imageBytes(300_000);

  beforeEach(async () => {
    server = await startFileServer('127.0.0.1', fileCertificate);
    dir = await tempDir();
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  it('should serve bytes with their size and digests, on loopback', async () => {
    const served = await server.serve(image, { name: '2.0.0.bin' });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/\d+\/2\.0\.0\.bin$/);
    expect(served.size).toBe(image.length);
    expect(served.md5).toBe(md5(image));
    expect(served.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    const got = await fetch(served.url);
    expect(got.status).toBe(200);
    expect(got.headers['content-length']).toBe(String(image.length));
    expect(got.headers['accept-ranges']).toBe('bytes');
    expect(got.body.equals(image)).toBe(true);
  });

  it('should serve the same file over HTTPS with its certificate', async () => {
    const served = await server.serve(image);
    expect(served.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/files\/\d+\/file\.bin$/);
    const body = await new Promise<Buffer>((resolve, reject) => {
      httpsGet(served.httpsUrl, { ca: fileCa }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    expect(body.equals(image)).toBe(true);
  });

  it('should serve a file from disk, read at each request', async () => {
    const path = dir.file('fw.bin');
    await writeFile(path, image);
    const served = await server.serve(path);
    expect(served.md5).toBe(md5(image));
    expect((await fetch(served.url)).body.equals(image)).toBe(true);
  });

  it.each([
    ['bytes=1000-', 1000, image.length - 1],
    ['bytes=1000-1999', 1000, 1999],
    ['bytes=-500', image.length - 500, image.length - 1],
    ['bytes=299990-999999', 299_990, image.length - 1],
  ])('should answer %s with a 206 of those bytes', async (range, start, end) => {
    const served = await server.serve(image);
    const got = await fetch(served.url, { range });
    expect(got.status).toBe(206);
    expect(got.headers['content-range']).toBe(`bytes ${start}-${end}/${image.length}`);
    expect(got.body.equals(image.subarray(start, end + 1))).toBe(true);
  });

  it('should answer a range past the end with 416, and an unknown path with 404', async () => {
    const served = await server.serve(image);
    const got = await fetch(served.url, { range: `bytes=${image.length}-` });
    expect(got.status).toBe(416);
    expect(got.headers['content-range']).toBe(`bytes */${image.length}`);
    expect((await fetch(`${served.url}.missing`)).status).toBe(404);
  });

  it('should cut the connection after the bytes asked, once, and report each response', async () => {
    const served = await server.serve(image, { faults: { cutAfterBytes: 100_000 } });
    const reports = firstValueFrom(server.downloads$.pipe(take(2), toArray()));
    const cut = await fetch(served.url);
    expect(cut.body.length).toBe(100_000);
    expect(cut.body.equals(image.subarray(0, 100_000))).toBe(true);
    expect(cut.error).toBeDefined();
    const rest = await fetch(served.url, { range: 'bytes=100000-' });
    expect(Buffer.concat([cut.body, rest.body]).equals(image)).toBe(true);
    expect(await reports).toEqual([
      { url: served.url, status: 200, bytesSent: 100_000, outcome: 'cut' },
      { url: served.url, range: 'bytes=100000-', status: 206, bytesSent: 200_000, outcome: 'complete' },
    ]);
  });

  it('should serve a corrupt image whose digest does not match, one byte changed', async () => {
    const served = await server.serve(image, { faults: { corrupt: true } });
    const got = await fetch(served.url);
    expect(served.md5).toBe(md5(image));
    expect(md5(got.body)).not.toBe(served.md5);
    const differing = [...got.body].filter((byte, i) => byte !== image[i]);
    expect(differing).toHaveLength(1);
  });
});
