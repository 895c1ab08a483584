import type { Observable } from 'rxjs';
import type { MqttCredentials } from '../identity/mqttCredentials';
import type { TlsOptions } from '../identity/tlsOptions';
import type { PacketTap } from './mqttJsPort';

// The side effects of dynamic registration (PROTOCOL.md §2), behind ports: the registration flow
// (`alink/dynamicRegistration`) composes them, `connection/` implements the defaults.

/** One MQTT connection that waits for the first message the server publishes. */
export interface MqttExchangeRequest {
  readonly url: string;
  readonly credentials: MqttCredentials;
  readonly tls?: TlsOptions | undefined;
  /** Hears every packet of the connection, as a device's own (`device.packets$`, the packet log). */
  readonly packets?: PacketTap | undefined;
}

/** One HTTPS form POST. */
export interface HttpsPostRequest {
  readonly url: string;
  /** `application/x-www-form-urlencoded`. */
  readonly form: string;
  readonly tls?: TlsOptions | undefined;
}

/** One HTTPS POST of any body. */
export interface HttpsSendRequest {
  readonly url: string;
  readonly body: Uint8Array;
  /** The `content-type` header. */
  readonly contentType: string;
  /** More headers (lowercase names). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly tls?: TlsOptions | undefined;
}

/** A message the server published. */
export interface ExchangedMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

/** An HTTP answer. */
export interface HttpsAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** The side effects of a registration: a connection of its own, or an HTTPS request. */
export interface RegistrationPorts {
  /**
   * Connects with `credentials`, emits the first message the server publishes and ends; ends empty when the
   * server closes the connection first; errors with the CONNACK refusal (`ConnectionRefusedError`), a
   * `TlsError` or a network error. Unsubscribing closes the connection.
   */
  mqtt(request: MqttExchangeRequest): Observable<ExchangedMessage>;
  /** Posts the form; emits the HTTP status and body once; errors with a `TlsError` or a network error. */
  https(request: HttpsPostRequest): Observable<HttpsAnswer>;
  /** A fresh random value to sign (letters and digits). Default: 16 random hex digits. */
  readonly random?: (() => string) | undefined;
}

/** Some of the ports; the defaults serve the others. */
export type RegistrationPortOverrides = {
  readonly [K in keyof RegistrationPorts]?: RegistrationPorts[K] | undefined;
};
