import type { ObservableInput } from 'rxjs';
import type { DeviceIdentity } from './deviceNamespace';

/**
 * What dynamic registration gives a device: a deviceSecret (`register`, HTTPS), or a
 * clientId and a deviceToken to log in with (`regnwl`, then `connwl`).
 */
export type DeviceCredential =
  { readonly deviceSecret: string } | { readonly clientId: string; readonly deviceToken: string };

/**
 * Where a dynamically registered device keeps what it got, so that the next start logs in with it instead
 * of registering again (the platform refuses a second registration once the device is activated). Both
 * methods may answer with a value, a promise or an observable.
 */
export interface SecretStore {
  /** The credential kept for this device, or `undefined`. */
  load(device: DeviceIdentity): ObservableInput<DeviceCredential | undefined>;
  /** Keeps the credential; the last one saved wins. */
  save(device: DeviceIdentity, credential: DeviceCredential): ObservableInput<unknown>;
}

/** Whether a value has the shape of a `DeviceCredential` (a store's file may hold anything). */
export function isDeviceCredential(u: unknown): u is DeviceCredential {
  if (typeof u !== 'object' || u === null) return false;
  const c = u as Record<string, unknown>;
  const nonEmpty = (v: unknown) => typeof v === 'string' && v !== '';
  return nonEmpty(c.deviceSecret) || (nonEmpty(c.clientId) && nonEmpty(c.deviceToken));
}

export const credentialKey = ({ productKey, deviceName }: DeviceIdentity): string =>
  `${productKey}/${deviceName}`;

/**
 * A secret store in memory: it lasts as long as the process. The default of `createDevice`, so a device
 * registers once per process; pass `fileSecretStore(path)` to keep the secret across restarts.
 */
export function memorySecretStore(): SecretStore {
  const credentials = new Map<string, DeviceCredential>();
  return {
    load: (device) => Promise.resolve(credentials.get(credentialKey(device))),
    save: (device, credential) => Promise.resolve(void credentials.set(credentialKey(device), credential)),
  };
}
