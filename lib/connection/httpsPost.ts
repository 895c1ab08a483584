import { request } from 'node:https';
import { Observable } from 'rxjs';
import { ConnectionLostError } from './errors';
import type { HttpsAnswer, HttpsPostRequest } from './registrationPorts';
import { nodeTlsOptions, tlsErrorOf } from './TlsError';

/**
 * Posts an `application/x-www-form-urlencoded` form over HTTPS with Node's `https` (verification on unless switched off) and
 * emits `{ status, body }` once (the default `https` port of dynamic registration). Unsubscribing aborts it. A browser build takes
 * `httpsPost.browser.ts` in its place.
 */
export function httpsPost({ url, form, tls }: HttpsPostRequest): Observable<HttpsAnswer> {
  return new Observable<HttpsAnswer>((subscriber) => {
    const body = Buffer.from(form, 'utf8');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length };
    const outgoing = request(url, { method: 'POST', headers, ...nodeTlsOptions(tls) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        subscriber.next({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        subscriber.complete();
      });
      response.on('error', (error) => subscriber.error(error));
    });
    outgoing.on('error', (error: Error & { code?: unknown }) =>
      subscriber.error(tlsErrorOf(error) ?? new ConnectionLostError(error.message, error)),
    );
    outgoing.end(body);
    return () => outgoing.destroy();
  });
}
