import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import type { KeyPair } from './certificates';

/** What goes wrong on purpose when a file is downloaded, for tests. */
export interface FileFaults {
  /** Cut the connection once this many bytes of the file (counted from its start) have been sent. */
  readonly cutAfterBytes?: number | undefined;
  /** How many downloads are cut at `cutAfterBytes`. Default: 1, so that a resumed download gets through. */
  readonly cuts?: number | undefined;
  /** Serve the file with one byte changed (its middle one), so that its digest no longer matches. */
  readonly corrupt?: boolean | undefined;
}

/** A file the emulator serves, with what a device needs to check it. */
export interface ServedFile {
  readonly url: string;
  /** The same file over HTTPS, with the emulator's certificate (trust `Emulator.ca`). */
  readonly httpsUrl: string;
  readonly size: number;
  /** Lowercase hex. */
  readonly md5: string;
  /** Lowercase hex. */
  readonly sha256: string;
}

/** One response of the file server, when it has ended. */
export interface FileDownload {
  readonly url: string;
  /** The `Range` asked for, as sent; absent for the whole file. */
  readonly range?: string | undefined;
  readonly status: number;
  /** Bytes of the body written to the connection. */
  readonly bytesSent: number;
  /** `complete`; `cut` by a fault; `aborted` by the client. */
  readonly outcome: 'complete' | 'cut' | 'aborted';
}

export interface ServeFileOptions {
  /** The last part of the URL's path. Default: `file.bin`. */
  readonly name?: string | undefined;
  readonly faults?: FileFaults | undefined;
}

/** The emulator's HTTP(S) server of firmware images and configuration files, on loopback. */
export interface FileServer {
  /** Serves `content` (bytes, or the path of a file, read from disk at each request) at a new URL. */
  serve(content: Uint8Array | string, options?: ServeFileOptions): Promise<ServedFile>;
  /** Every response, once it has ended. Completes on close. */
  readonly downloads$: Observable<FileDownload>;
  /** Stops serving a file (by its `url` or `httpsUrl`): it is a 404 from now on. */
  withdraw(url: string): void;
  close(): Promise<void>;
}

interface Entry {
  readonly content: Uint8Array | string;
  readonly size: number;
  cutsLeft: number;
  readonly cutAt: number | undefined;
  readonly corruptAt: number | undefined;
}

const CHUNK = 64 * 1024;

async function digestsOf(
  content: Uint8Array | string,
): Promise<{ size: number; md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  if (typeof content === 'string') {
    for await (const chunk of createReadStream(content) as AsyncIterable<Buffer>) {
      md5.update(chunk);
      sha256.update(chunk);
    }
    return { size: (await stat(content)).size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
  }
  md5.update(content);
  sha256.update(content);
  return { size: content.byteLength, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** The bytes `[start, end]` of the content, in chunks. */
async function* bytesOf(
  content: Uint8Array | string,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  if (typeof content === 'string') {
    yield* createReadStream(content, { start, end, highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
    return;
  }
  for (let at = start; at <= end; at += CHUNK) yield content.subarray(at, Math.min(end + 1, at + CHUNK));
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size: the inclusive range, or `undefined` if unsatisfiable. */
function parseRange(header: string, size: number): { start: number; end: number } | undefined | 'ignore' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'ignore';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? undefined : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? undefined : { start, end };
}

/** Resolves when `res` wants more, or when it has closed (then `false`). */
function writable(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve(!res.destroyed);
    };
    res.on('drain', done).on('close', done);
  });
}

/** Listens on `host`, a free port; resolves with the origin. */
function listenOn(server: Server, host: string, scheme: 'http' | 'https'): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      server.off('error', reject);
      resolve(`${scheme}://${host}:${(server.address() as AddressInfo).port}`);
    });
  });
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** Starts the file server on `host`: HTTP, and HTTPS with `certificate`, each on a free port. */
export async function startFileServer(host: string, certificate: KeyPair): Promise<FileServer> {
  const files = new Map<string, Entry>();
  const downloads$ = new Subject<FileDownload>();
  let next = 1;

  async function send(req: IncomingMessage, res: ServerResponse, entry: Entry): Promise<void> {
    const url = `${'encrypted' in req.socket ? secureOrigin : origin}${req.url ?? ''}`;
    const header = req.headers.range;
    const range = header === undefined ? 'ignore' : parseRange(header, entry.size);
    const report = (status: number, bytesSent: number, outcome: FileDownload['outcome']) =>
      downloads$.next({
        url,
        ...(header === undefined ? {} : { range: header }),
        status,
        bytesSent,
        outcome,
      });
    if (range === undefined) {
      res.writeHead(416, { 'content-range': `bytes */${entry.size}` }).end();
      report(416, 0, 'complete');
      return;
    }
    const { start, end } = range === 'ignore' ? { start: 0, end: entry.size - 1 } : range;
    const status = range === 'ignore' ? 200 : 206;
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${entry.size}` } : {}),
    });
    const cutAt =
      entry.cutsLeft > 0 && entry.cutAt !== undefined && entry.cutAt > start && entry.cutAt <= end
        ? entry.cutAt
        : undefined;
    if (cutAt !== undefined) entry.cutsLeft -= 1;
    let offset = start;
    let sent = 0;
    for await (const bytes of bytesOf(entry.content, start, end)) {
      let chunk = bytes;
      const { corruptAt } = entry;
      if (corruptAt !== undefined && corruptAt >= offset && corruptAt < offset + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[corruptAt - offset] = (chunk[corruptAt - offset] as number) ^ 0xff;
      }
      if (cutAt !== undefined && offset + chunk.length >= cutAt) {
        const last = chunk.subarray(0, cutAt - offset);
        // The bytes before the cut reach the device; then the connection goes, mid-response.
        await new Promise<void>((resolve) => res.write(last, () => resolve()));
        res.destroy();
        report(status, sent + last.length, 'cut');
        return;
      }
      offset += chunk.length;
      sent += chunk.length;
      if (!res.write(chunk) && !(await writable(res))) {
        report(status, sent, 'aborted');
        return;
      }
      if (res.destroyed) {
        report(status, sent, 'aborted');
        return;
      }
    }
    res.end();
    report(status, sent, 'complete');
  }

  const handle: RequestListener = (req, res) => {
    const entry = req.method === 'GET' ? files.get(new URL(req.url ?? '/', origin).pathname) : undefined;
    if (entry === undefined) {
      res.writeHead(req.method === 'GET' ? 404 : 405).end();
      return;
    }
    send(req, res, entry).catch(() => res.destroy());
  };
  const server = createServer(handle);
  const secure: Server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, handle);
  const origin = await listenOn(server, host, 'http');
  let secureOrigin: string;
  try {
    secureOrigin = await listenOn(secure, host, 'https');
  } catch (error) {
    await closeServer(server);
    throw error;
  }

  return {
    async serve(content, { name = 'file.bin', faults = {} } = {}) {
      const { size, md5, sha256 } = await digestsOf(content);
      const path = `/files/${next++}/${encodeURIComponent(name)}`;
      files.set(path, {
        content,
        size,
        cutsLeft: faults.cuts ?? 1,
        cutAt: faults.cutAfterBytes,
        corruptAt: faults.corrupt && size > 0 ? Math.floor(size / 2) : undefined,
      });
      return { url: `${origin}${path}`, httpsUrl: `${secureOrigin}${path}`, size, md5, sha256 };
    },
    downloads$: downloads$.asObservable(),
    withdraw(url) {
      files.delete(new URL(url).pathname);
    },
    async close() {
      await Promise.all([closeServer(server), closeServer(secure)]);
      downloads$.complete();
    },
  };
}
