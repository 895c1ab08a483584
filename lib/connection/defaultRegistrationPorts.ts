import mqtt from 'mqtt';
import { request } from 'node:https';
import { Observable } from 'rxjs';
import { connectErrorOf } from './connectError';
import { ConnectionLostError } from './errors';
import type {
  ExchangedMessage,
  HttpsAnswer,
  HttpsPostRequest,
  MqttExchangeRequest,
  RegistrationPortOverrides,
  RegistrationPorts,
} from './registrationPorts';
import { nodeTlsOptions, tlsClientOptions, tlsErrorOf } from './TlsError';

/**
 * One MQTT.js connection that emits the first message the server publishes, then closes (the default `mqtt`
 * port of dynamic registration). It subscribes to nothing: the platform sends the answer unasked.
 */
export function mqttExchange({ url, credentials, tls }: MqttExchangeRequest): Observable<ExchangedMessage> {
  return new Observable<ExchangedMessage>((subscriber) => {
    const client = mqtt.connect(url, {
      ...tlsClientOptions(tls, undefined),
      ...credentials,
      // The platform does not check the keepalive of a registration (PROTOCOL.md §2): any valid one will do.
      keepalive: 60,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    let lastError: Error | undefined;
    client.on('message', (topic, payload) => {
      subscriber.next({ topic, payload });
      subscriber.complete();
    });
    client.on('error', (error: Error & { code?: unknown }) => (lastError = connectErrorOf(error)));
    client.on('close', () => (lastError ? subscriber.error(lastError) : subscriber.complete()));
    return () => {
      client.removeAllListeners();
      // MQTT.js may still report errors while it tears down; an 'error' without a listener would throw.
      client.on('error', () => undefined);
      client.end(true);
    };
  });
}

/**
 * Posts an `application/x-www-form-urlencoded` form over HTTPS (verification on unless switched off) and
 * emits `{ status, body }` once (the default `https` port of dynamic registration). Unsubscribing aborts it.
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

/** The ports dynamic registration uses unless told otherwise: MQTT.js and Node's HTTPS. */
export const defaultRegistrationPorts: RegistrationPorts = { mqtt: mqttExchange, https: httpsPost };

/** The ports given, and the defaults for those not given (or given as `undefined`). */
export function registrationPortsWith(overrides: RegistrationPortOverrides = {}): RegistrationPorts {
  const { mqtt = mqttExchange, https = httpsPost, random } = overrides;
  return { mqtt, https, ...(random === undefined ? {} : { random }) };
}
