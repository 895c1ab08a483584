import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { defer, Observable, type Subscription } from 'rxjs';
import type { DownloadPort, DownloadRequest, DownloadResponse } from './DownloadPort';

export interface NodeDownloadPortOptions {
  /** A request whose socket stays silent this long fails (and a download retries it). Default: 30000. */
  readonly idleTimeoutMs?: number | undefined;
  /** Redirects followed per request. Default: 5. */
  readonly maxRedirects?: number | undefined;
  /** For `https:` URLs: the CAs to trust, and whether to check the server's certificate (default: `true`). */
  readonly tls?: Pick<https.RequestOptions, 'ca' | 'rejectUnauthorized'> | undefined;
  /** Passed to Node's `http.get` / `https.get`, e.g. a keep-alive agent. Default: Node's global agents. */
  readonly agent?: http.Agent | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/**
 * The default download port: Node's `http`/`https` client (a `Range` header from `offset` on, redirects
 * followed, an idle timeout on the socket) and `fs` for the image file. Nothing else in the library does
 * I/O for a download.
 */
export function nodeDownloadPort(options: NodeDownloadPortOptions = {}): DownloadPort {
  const { idleTimeoutMs = 30_000, maxRedirects = 5, tls = {}, agent } = options;

  const get = (request: DownloadRequest, redirects: number): Observable<DownloadResponse> =>
    new Observable<DownloadResponse>((subscriber) => {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
      if (client === undefined) {
        subscriber.error(new TypeError(`cannot download over ${url.protocol}`));
        return undefined;
      }
      const headers = request.offset > 0 ? { range: `bytes=${request.offset}-` } : {};
      let answered = false;
      let redirected: Subscription | undefined;
      const req = client.get(
        url,
        { headers, ...(url.protocol === 'https:' ? tls : {}), ...(agent === undefined ? {} : { agent }) },
        (res) => {
          answered = true;
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if (REDIRECTS.has(status) && location !== undefined && redirects < maxRedirects) {
            res.resume();
            const next = new URL(location, url).toString();
            redirected = get({ url: next, offset: request.offset }, redirects + 1).subscribe(subscriber);
            return;
          }
          subscriber.next({ status, headers: flatHeaders(res.headers), body: res });
          subscriber.complete();
        },
      );
      req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no data for ${idleTimeoutMs} ms`)));
      // After the head, a broken connection is the body's error; the request's own is then no news.
      req.on('error', (error) => (answered ? undefined : subscriber.error(error)));
      return () => {
        if (!answered) req.destroy();
        redirected?.unsubscribe();
      };
    });

  return {
    get: (request) => get(request, 0),
    openFile: (path) => createWriteStream(path),
    removeFile: (path) => defer(() => rm(path, { force: true })),
  };
}
