import type { Observable } from 'rxjs';
import { httpsSend } from './httpsSend';
import type { HttpsAnswer, HttpsPostRequest } from './registrationPorts';

/**
 * Posts an `application/x-www-form-urlencoded` form over HTTPS (`httpsSend`: Node's `https`, or `fetch` in a
 * browser) and emits `{ status, body }` once: the default `https` port of dynamic registration and device
 * distribution. Unsubscribing aborts it.
 */
export function httpsPost({ url, form, tls }: HttpsPostRequest): Observable<HttpsAnswer> {
  const body = new TextEncoder().encode(form);
  return httpsSend({
    url,
    body,
    contentType: 'application/x-www-form-urlencoded',
    ...(tls === undefined ? {} : { tls }),
  });
}
