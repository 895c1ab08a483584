import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { catchError, defer, map, take, throwError, throwIfEmpty, timeout, type Observable } from 'rxjs';
import type { PacketTap } from '../connection/mqttJsPort';
import type { RegistrationPorts } from '../connection/registrationPorts';
import type { ResolvedDeviceOptions } from '../identity/deviceOptions';
import {
  HTTPS_REGISTRATION_PATH,
  httpsRegistrationForm,
  registrationCredentials,
  registrationEndpoint,
} from '../identity/registrationCredentials';
import type { DeviceCredential } from '../identity/secretStore';
import { tlsForEndpoint } from '../identity/tlsOptions';
import {
  HttpsRegistrationReply,
  REGISTER_TOPIC,
  RegisteredSecret,
  RegisteredToken,
  REGISTRATION_CODES,
  REGNWL_TOPIC,
} from '../protocol/registrationPayloads';
import {
  RegistrationFailedError,
  RegistrationRefusedError,
  type RegistrationRefusal,
} from './registrationErrors';
import { freshRandom } from './freshRandom';
import { parseJson } from '../json/parseJson';

/** The CONNACK return codes of a refused registration, as refusals. */
function refusalOfConnack(returnCode: number): RegistrationRefusal {
  if (returnCode === 4) return 'bad-signature';
  if (returnCode === 5) return 'not-authorized';
  return 'refused';
}

/**
 * The codes of a refused HTTPS registration, as refusals: those the emulator answers with (the platform's own
 * are unverified, see `REGISTRATION_CODES`); any other code is a plain `'refused'`, with the code.
 */
function refusalOfHttpsCode(code: number): RegistrationRefusal {
  switch (code) {
    case REGISTRATION_CODES.ALREADY_ACTIVATED:
      return 'already-activated';
    case REGISTRATION_CODES.BAD_SIGNATURE:
      return 'bad-signature';
    case REGISTRATION_CODES.NOT_ALLOWED:
    case REGISTRATION_CODES.DEVICE_NOT_FOUND:
      return 'not-allowed';
    default:
      return 'refused';
  }
}

const isRefusedConnect = (error: unknown): error is Error & { returnCode: number } =>
  error instanceof Error &&
  error.name === 'ConnectionRefusedError' &&
  typeof (error as { returnCode?: unknown }).returnCode === 'number';

/** The payload as JSON through `codec`; a failure says what was expected, never what came (it may hold a secret). */
function decodeAnswer<A>(codec: t.Decoder<unknown, A>, payload: Buffer): A | undefined {
  try {
    // TextDecoder, not Buffer: in a browser a payload is a Uint8Array.
    const decoded = codec.decode(parseJson(new TextDecoder().decode(payload)));
    return E.isRight(decoded) ? decoded.right : undefined;
  } catch {
    return undefined;
  }
}

/** Where a device registers: `registration.url`, or its endpoint's; for HTTPS with the path of the form. */
export function registrationUrl(options: ResolvedDeviceOptions): string {
  const { method, url } = options.registration;
  const base = url ?? registrationEndpoint(options.endpoint, options.productKey, method).url;
  return method === 'https' ? `${base.replace(/\/+$/, '')}${HTTPS_REGISTRATION_PATH}` : base;
}

/**
 * Dynamic registration ("one secret per product") as a function of its ports: `register` (MQTT, a pre-registered device:
 * a deviceSecret on `/ext/register`), `regnwl` (MQTT, a device that was not: a clientId and deviceToken on
 * `/ext/regnwl`) or `https` (`POST /auth/register/device`: a deviceSecret). Cold: each subscription
 * registers once, with a fresh random value, and emits the credential. Errors with `RegistrationRefusedError`
 * (the platform said no), `RegistrationFailedError` (no usable answer, or none within
 * `registration.timeoutMs`), or the connection's own error (`TlsError`, `ConnectionLostError`). The packets
 * of an MQTT registration go to `packets` (the device's own `packets$`).
 */
export function dynamicRegistration(ports: RegistrationPorts, packets?: PacketTap) {
  return (options: ResolvedDeviceOptions): Observable<DeviceCredential> => {
    const { productKey, deviceName, productSecret = '', signMethod, registration } = options;
    const device = { productKey, deviceName };
    const { method, timeoutMs } = registration;
    const endpoint = registrationEndpoint(options.endpoint, productKey, method);
    const url = registrationUrl(options);
    const tls = tlsForEndpoint(options.tls, options.endpoint);
    const failed = (problem: 'timeout' | 'no-answer' | 'bad-answer', detail: string) =>
      new RegistrationFailedError(device, method, problem, detail);

    const answer$ = defer((): Observable<DeviceCredential> => {
      const random = registration.random ?? (ports.random ?? freshRandom)();
      const signed = { productKey, deviceName, productSecret, random, signMethod };
      if (method === 'https') {
        const post = { url, form: httpsRegistrationForm(signed), tls };
        return ports.https(post).pipe(map(({ status, body }) => httpsCredential(status, body)));
      }
      const credentials = registrationCredentials({
        ...signed,
        authType: method,
        clientId: options.clientId,
        secureMode: endpoint.secureMode,
        ...(endpoint.instanceId === undefined ? {} : { instanceId: endpoint.instanceId }),
      });
      return ports.mqtt({ url, credentials, tls, ...(packets === undefined ? {} : { packets }) }).pipe(
        take(1),
        throwIfEmpty(() => failed('no-answer', 'the server closed the connection without an answer')),
        map(({ topic, payload }) => mqttCredential(topic, payload)),
      );
    });

    const mqttCredential = (topic: string, payload: Buffer): DeviceCredential => {
      const expected = method === 'regnwl' ? REGNWL_TOPIC : REGISTER_TOPIC;
      if (topic !== expected) throw failed('bad-answer', `the answer came on ${topic}, not ${expected}`);
      const answer = decodeAnswer<RegisteredSecret | RegisteredToken>(
        method === 'regnwl' ? RegisteredToken : RegisteredSecret,
        payload,
      );
      if (answer === undefined || answer.productKey !== productKey || answer.deviceName !== deviceName)
        throw failed('bad-answer', `the message on ${topic} is not this device's registration answer`);
      return 'deviceToken' in answer
        ? { clientId: answer.clientId, deviceToken: answer.deviceToken }
        : { deviceSecret: answer.deviceSecret };
    };

    const httpsCredential = (status: number, body: Buffer): DeviceCredential => {
      const reply = decodeAnswer(HttpsRegistrationReply, body);
      if (reply === undefined)
        throw failed('bad-answer', `HTTP ${status}, and the body is not a registration answer`);
      if (reply.code !== REGISTRATION_CODES.SUCCESS) {
        const reason = refusalOfHttpsCode(reply.code);
        throw new RegistrationRefusedError(device, method, reason, reply.code, reply.message);
      }
      const data = RegisteredSecret.decode(reply.data);
      if (E.isLeft(data) || data.right.productKey !== productKey || data.right.deviceName !== deviceName)
        throw failed('bad-answer', "the answer's data is not this device's secret");
      return { deviceSecret: data.right.deviceSecret };
    };

    return answer$.pipe(
      timeout({
        first: timeoutMs,
        with: () => throwError(() => failed('timeout', `no answer within ${timeoutMs} ms`)),
      }),
      catchError((error: unknown) => {
        if (isRefusedConnect(error)) {
          throw new RegistrationRefusedError(
            device,
            method,
            refusalOfConnack(error.returnCode),
            error.returnCode,
          );
        }
        throw error;
      }),
    );
  };
}
