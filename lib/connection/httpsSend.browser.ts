import { Observable } from 'rxjs';
import { ConnectionLostError } from './errors';
import type { HttpsAnswer, HttpsSendRequest } from './registrationPorts';

/**
 * In a browser, in place of `httpsSend.ts`: the body posted with `fetch`. The browser checks the server's
 * certificate against its own store, so the request's `tls` has no effect. Unsubscribing aborts it.
 */
export function httpsSend({
  url,
  body,
  contentType,
  headers = {},
}: HttpsSendRequest): Observable<HttpsAnswer> {
  return new Observable<HttpsAnswer>((subscriber) => {
    const abort = new AbortController();
    const all = { ...headers, 'content-type': contentType };
    fetch(url, { method: 'POST', headers: all, body: new Uint8Array(body), signal: abort.signal })
      .then(async (response) => {
        const answer = new Uint8Array(await response.arrayBuffer());
        subscriber.next({ status: response.status, body: answer as HttpsAnswer['body'] });
        subscriber.complete();
      })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        subscriber.error(new ConnectionLostError(reason, error));
      });
    return () => abort.abort();
  });
}
