import { request } from 'node:https';
import { Observable } from 'rxjs';
import { ConnectionLostError } from './errors';
import type { HttpsAnswer, HttpsSendRequest } from './registrationPorts';
import { nodeTlsOptions, tlsErrorOf } from './TlsError';

/**
 * Posts a body over HTTPS with Node's `https` (verification on unless switched off) and emits
 * `{ status, body }` once; errors with a `TlsError`, or a `ConnectionLostError` for any network error (the
 * answer broken off included). Unsubscribing aborts it. A browser build takes `httpsSend.browser.ts` in its place.
 */
export function httpsSend({
  url,
  body,
  contentType,
  headers = {},
  tls,
}: HttpsSendRequest): Observable<HttpsAnswer> {
  return new Observable<HttpsAnswer>((subscriber) => {
    const bytes = Buffer.from(body);
    const all = { ...headers, 'content-type': contentType, 'content-length': bytes.length };
    const outgoing = request(url, { method: 'POST', headers: all, ...nodeTlsOptions(tls) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        subscriber.next({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        subscriber.complete();
      });
      // The server went away in the middle of the answer ('aborted'): a network error, as a failed request.
      response.on('error', (error) =>
        subscriber.error(new ConnectionLostError(`the answer broke off: ${error.message}`, error)),
      );
    });
    outgoing.on('error', (error: Error & { code?: unknown }) =>
      subscriber.error(tlsErrorOf(error) ?? new ConnectionLostError(error.message, error)),
    );
    outgoing.end(bytes);
    return () => outgoing.destroy();
  });
}
