import { Observable } from 'rxjs';
import { ConnectionLostError } from './errors';
import type { HttpsAnswer, HttpsPostRequest } from './registrationPorts';

/**
 * In a browser, in place of `httpsPost.ts`: the form posted with `fetch`. The browser checks the server's
 * certificate against its own store, so the request's `tls` has no effect. Unsubscribing aborts it.
 */
export function httpsPost({ url, form }: HttpsPostRequest): Observable<HttpsAnswer> {
  return new Observable<HttpsAnswer>((subscriber) => {
    const abort = new AbortController();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    fetch(url, { method: 'POST', headers, body: form, signal: abort.signal })
      .then(async (response) => {
        const body = new Uint8Array(await response.arrayBuffer());
        subscriber.next({ status: response.status, body: body as HttpsAnswer['body'] });
        subscriber.complete();
      })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        subscriber.error(new ConnectionLostError(reason, error));
      });
    return () => abort.abort();
  });
}
