import {
  defaultIfEmpty,
  defer,
  finalize,
  from,
  last,
  map,
  of,
  switchMap,
  take,
  tap,
  type Observable,
} from 'rxjs';
import type { PacketTap } from './connection/mqttJsPort';
import type { RegistrationPorts } from './connection/registrationPorts';
import { dynamicRegistration, registrationUrl } from './alink/dynamicRegistration';
import { describeError } from './deviceLogs';
import { logger } from './log/logger';
import { timestampNow, type ResolvedDeviceOptions } from './identity/deviceOptions';
import { mqttCredentials, type MqttCredentials } from './identity/mqttCredentials';
import { tokenCredentials } from './identity/registrationCredentials';
import type { EndpointSecureMode } from './identity/resolveEndpoint';
import type { DeviceCredential } from './identity/secretStore';

const registrationLog = logger('registration');

/** What a credential is, for a log line: never what it holds. */
const kindOf = (credential: DeviceCredential): string =>
  'deviceSecret' in credential ? 'a deviceSecret' : 'a clientId and deviceToken';

/** A URL without the user and password it may carry. */
function shownUrl(url: string): string {
  if (!URL.canParse(url)) return 'a URL that does not parse';
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname === '/' ? '' : pathname}`;
}

/** Hooks the device facade shows in `state$`. */
export interface RegistrationProgress {
  /** A registration starts (`true`) or has ended with a credential (`false`). */
  registering(active: boolean): void;
}

/**
 * The credentials of one connection attempt, asked for at each attempt: signed with the deviceSecret (and a
 * fresh timestamp), or with what the secret store keeps; with none kept, the device registers ("one secret per
 * product"), saves what it got, and logs in with it. The registration's packets go to `packets`.
 */
export function deviceCredentials(
  o: ResolvedDeviceOptions,
  secureMode: EndpointSecureMode,
  ports: RegistrationPorts,
  progress: RegistrationProgress,
  packets?: PacketTap,
): () => Observable<MqttCredentials> {
  const device = { productKey: o.productKey, deviceName: o.deviceName };
  const signed = (deviceSecret: string): MqttCredentials =>
    mqttCredentials({
      ...device,
      deviceSecret,
      clientId: o.clientId,
      signMethod: o.signMethod,
      secureMode,
      extra: o.extra,
      timestamp: timestampNow(o.timestamp),
    });
  const loggedIn = (credential: DeviceCredential): MqttCredentials =>
    'deviceSecret' in credential
      ? signed(credential.deviceSecret)
      : tokenCredentials({ ...device, ...credential });

  const { deviceSecret } = o;
  if (deviceSecret !== undefined) return () => defer(() => of(signed(deviceSecret)));

  const store = o.secretStore;
  const register = dynamicRegistration(ports, packets);
  const name = `${o.productKey}/${o.deviceName}`;
  const { method } = o.registration;
  const registered$ = defer(() => {
    progress.registering(true);
    registrationLog('%s registering (%s) at %s', name, method, shownUrl(registrationUrl(o)));
    return register(o);
  }).pipe(
    tap((credential) => registrationLog('%s registered (%s): got %s', name, method, kindOf(credential))),
    switchMap((credential) =>
      from(store.save(device, credential)).pipe(
        last(undefined, null),
        map(() => credential),
      ),
    ),
    tap({
      next: () => {
        registrationLog('%s saved it in the secret store', name);
        progress.registering(false);
      },
      error: (error: unknown) => registrationLog('%s registration failed: %s', name, describeError(error)),
    }),
    // On an error too, once the connection has shown it (the error reaches it before this runs).
    finalize(() => progress.registering(false)),
  );
  return () =>
    defer(() => from(store.load(device))).pipe(
      // A store that answers nothing has nothing for this device.
      defaultIfEmpty(undefined),
      take(1),
      switchMap((stored) => {
        if (stored === undefined) return registered$;
        registrationLog('%s logs in with %s kept in the secret store', name, kindOf(stored));
        return of(stored);
      }),
      map(loggedIn),
    );
}
