// Downloads against the emulator's HTTP file server, into files in a temporary folder.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createWriteStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { firstValueFrom, lastValueFrom, map, take, tap, toArray } from 'rxjs';
import { DigestMismatchError, DownloadFailedError, SizeMismatchError } from '../../lib/alink/downloadErrors';
import { verifiedDownload, type DownloadSpec } from '../../lib/alink/verifiedDownload';
import type { DownloadPort } from '../../lib/download/DownloadPort';
import { nodeDownloadPort } from '../../lib/download/nodeDownloadPort';
import { startFileServer, type FileFaults, type FileServer } from '../../lib/emulator/fileServer';
import { fileCa, fileCertificate } from '../support/fileCertificate';
import { imageBytes, tempDir, type TempDir } from '../support/tempDir';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 'none', maxRetries: 3 } as const;

describe('verifiedDownload', () => {
  let files: FileServer;
  let dir: TempDir;
  const image = imageBytes(1_000_000);

  beforeEach(async () => {
    files = await startFileServer('127.0.0.1', fileCertificate);
    dir = await tempDir();
  });
  afterEach(async () => {
    await files.close();
    await dir.remove();
  });

  async function serve(faults?: FileFaults, signMethod: 'MD5' | 'SHA256' = 'MD5'): Promise<DownloadSpec> {
    const served = await files.serve(image, faults ? { faults } : {});
    return {
      url: served.url,
      size: served.size,
      signMethod,
      sign: signMethod === 'MD5' ? served.md5 : served.sha256,
    };
  }

  it('should write the verified image to a file, with progress from 0 to 100, each percent once', async () => {
    const spec = await serve(undefined, 'SHA256');
    const target = dir.file('fw.bin');
    const progress = await lastValueFrom(verifiedDownload(spec, target, { retry: fast }).pipe(toArray()));
    expect((await readFile(target)).equals(image)).toBe(true);
    const percents = progress.map((p) => p.percent);
    expect(percents[0]).toBe(0);
    expect(percents[percents.length - 1]).toBe(100);
    expect(new Set(percents).size).toBe(percents.length);
    expect(progress[progress.length - 1]).toEqual({
      receivedBytes: image.length,
      totalBytes: image.length,
      percent: 100,
    });
  });

  it('should resume over HTTPS as over HTTP', async () => {
    const served = await files.serve(image, { faults: { cutAfterBytes: 500_000 } });
    const spec = { url: served.httpsUrl, size: served.size, signMethod: 'MD5' as const, sign: served.md5 };
    const target = dir.file('fw.bin');
    await lastValueFrom(
      verifiedDownload(spec, target, { port: nodeDownloadPort({ tls: { ca: fileCa } }), retry: fast }),
    );
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should take a digest in uppercase hex', async () => {
    const spec = await serve();
    const target = dir.file('fw.bin');
    await lastValueFrom(verifiedDownload({ ...spec, sign: spec.sign.toUpperCase() }, target));
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should resume a cut connection with Range, fetching the image about once in all', async () => {
    const spec = await serve({ cutAfterBytes: 400_000 });
    const target = dir.file('fw.bin');
    const responses = firstValueFrom(files.downloads$.pipe(take(2), toArray()));
    await lastValueFrom(verifiedDownload(spec, target, { retry: fast }));
    expect((await readFile(target)).equals(image)).toBe(true);
    const [cut, rest] = await responses;
    expect(cut).toMatchObject({ status: 200, bytesSent: 400_000, outcome: 'cut' });
    // The resume starts where the bytes that reached the device end (the cut may lose a few in flight).
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(rest?.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(300_000);
    expect(resumedAt).toBeLessThanOrEqual(400_000);
    expect(rest).toMatchObject({ status: 206, bytesSent: image.length - resumedAt, outcome: 'complete' });
    expect((cut?.bytesSent ?? 0) + (rest?.bytesSent ?? 0)).toBeLessThanOrEqual(image.length * 1.05);
  });

  it('should skip what it has when the server answers a resume with the whole file', async () => {
    const spec = await serve({ cutAfterBytes: 300_000 });
    const node = nodeDownloadPort();
    // A server that ignores Range: every request asks for the whole file.
    const port: DownloadPort = { ...node, get: (request) => node.get({ ...request, offset: 0 }) };
    const target = dir.file('fw.bin');
    await lastValueFrom(verifiedDownload(spec, target, { port, retry: fast }));
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should fail with DigestMismatchError for a corrupt image, and remove the partial file', async () => {
    const spec = await serve({ corrupt: true });
    const target = dir.file('fw.bin');
    const failure = lastValueFrom(verifiedDownload(spec, target, { retry: fast }));
    await expect(failure).rejects.toBeInstanceOf(DigestMismatchError);
    const error = (await failure.catch((e: unknown) => e)) as DigestMismatchError;
    expect(error).toMatchObject({ name: 'DigestMismatchError', signMethod: 'MD5', expected: spec.sign });
    expect(error.actual).toMatch(/^[0-9a-f]{32}$/);
    expect(await exists(target)).toBe(false);
  });

  it('should fail with SizeMismatchError for an image shorter than announced, or longer', async () => {
    const spec = await serve();
    const shorter = lastValueFrom(
      verifiedDownload({ ...spec, size: image.length + 1 }, dir.file('a.bin'), { retry: fast }),
    );
    await expect(shorter).rejects.toMatchObject({
      name: 'SizeMismatchError',
      expected: image.length + 1,
      actual: image.length,
    });
    const longer = lastValueFrom(
      verifiedDownload({ ...spec, size: 1000 }, dir.file('b.bin'), { retry: fast }),
    );
    await expect(longer).rejects.toBeInstanceOf(SizeMismatchError);
    expect(await exists(dir.file('a.bin'))).toBe(false);
    expect(await exists(dir.file('b.bin'))).toBe(false);
  });

  it('should fail at once with the status for a 404, without retrying', async () => {
    const spec = await serve();
    const tries: number[] = [];
    const node = nodeDownloadPort();
    const port: DownloadPort = {
      ...node,
      get: (request) => node.get(request).pipe(tap(() => tries.push(1))),
    };
    const failure = lastValueFrom(
      verifiedDownload({ ...spec, url: `${spec.url}.gone` }, dir.file('fw.bin'), { port, retry: fast }),
    );
    await expect(failure).rejects.toMatchObject({ name: 'DownloadFailedError', status: 404 });
    expect(tries).toHaveLength(1);
  });

  it('should leave no file when it fails before the file is even open', async () => {
    const spec = await serve();
    const node = nodeDownloadPort();
    // The file's open is held until the 404 is in, then lands a little later: after a removal that did not
    // wait for the file to close, the open would create the file again.
    let answered: () => void = () => undefined;
    const answer = new Promise<void>((resolve) => (answered = resolve));
    const lateOpen = ((...args: Parameters<typeof fs.open>) => {
      void answer.then(() => setTimeout(() => (fs.open as (...a: unknown[]) => void)(...args), 20));
    }) as typeof fs.open;
    const port: DownloadPort = {
      ...node,
      get: (request) => node.get(request).pipe(tap({ next: () => answered(), error: () => answered() })),
      openFile: (path) => createWriteStream(path, { fs: { ...fs, open: lateOpen } }),
    };
    const target = dir.file('fw.bin');
    const failure = lastValueFrom(
      verifiedDownload({ ...spec, url: `${spec.url}.gone` }, target, { port, retry: fast }),
    );
    await expect(failure).rejects.toMatchObject({ name: 'DownloadFailedError', status: 404 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await exists(target)).toBe(false);
  });

  it('should retry a refused connection with the backoff, then fail with DownloadFailedError', async () => {
    const spec = await serve();
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    let attempts = 0;
    const node = nodeDownloadPort();
    const counting: DownloadPort = { ...node, get: (request) => (attempts++, node.get(request)) };
    const url = `http://127.0.0.1:${port}/fw.bin?Signature=s3cret&security-token=t0ken`;
    const failure = lastValueFrom(
      verifiedDownload({ ...spec, url }, dir.file('fw.bin'), { port: counting, retry: fast }),
    );
    const error = (await failure.catch((e: unknown) => e)) as DownloadFailedError;
    expect(error).toBeInstanceOf(DownloadFailedError);
    expect(attempts).toBe(4);
    // A signed URL's query is a credential: it stays out of the error.
    expect(error.message).not.toMatch(/s3cret|t0ken/);
    expect(error.url).toBe(`http://127.0.0.1:${port}/fw.bin`);
  });

  it('should write to a stream of the caller, and end it once verified', async () => {
    const spec = await serve();
    const chunks: Buffer[] = [];
    let ended = false;
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setImmediate(callback); // a slow target: the download waits for it
      },
      final(callback) {
        ended = true;
        callback();
      },
    });
    await lastValueFrom(verifiedDownload(spec, sink));
    expect(ended).toBe(true);
    expect(Buffer.concat(chunks).equals(image)).toBe(true);
  });

  it('should remove the partial file when unsubscribed half way', async () => {
    const spec = await serve();
    const target = dir.file('fw.bin');
    const percents = await firstValueFrom(
      verifiedDownload(spec, target).pipe(
        map((p) => p.percent),
        take(3),
        toArray(),
      ),
    );
    expect(percents[2]).toBeLessThan(100);
    // The removal runs after the unsubscription.
    for (let i = 0; i < 50 && (await exists(target)); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await exists(target)).toBe(false);
  });

  it('should fail with DownloadFailedError when the target cannot be written', async () => {
    const spec = await serve();
    const failure = lastValueFrom(verifiedDownload(spec, dir.file('no/such/dir/fw.bin')));
    await expect(failure).rejects.toMatchObject({ name: 'DownloadFailedError' });
  });

  it('should compute the digest of what it received, not trust the announcement', async () => {
    const spec = await serve();
    const wrong = createHash('md5').update('another image').digest('hex');
    await expect(
      lastValueFrom(verifiedDownload({ ...spec, sign: wrong }, dir.file('fw.bin'))),
    ).rejects.toMatchObject({
      expected: wrong,
      actual: spec.sign,
    });
  });
});
