import { randomBytes } from 'node:crypto';
import { lastValueFrom, from, defaultIfEmpty } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import type { DeviceCredential, SecretStore } from '../identity/secretStore';
import type { DeviceDirectory, EmulatedProduct } from './authenticateDevice';

/** A token login a device got from `regnwl`. */
export interface IssuedToken {
  readonly clientId: string;
  readonly deviceToken: string;
}

/**
 * The emulator's devices, as the platform's console knows them: the secrets given in the products and those
 * issued by dynamic registration (the last issued wins), the tokens of `regnwl`, and which devices are
 * activated (have logged in once). With a `secretStore`, what it issues outlives the emulator.
 */
export interface DeviceRegistry {
  /** The secret a device logs in with, for `authenticateDevice`. */
  readonly secretOf: DeviceDirectory;
  product(productKey: string): EmulatedProduct | undefined;
  /** Pre-registered in `products`, or registered since. */
  isKnown(device: DeviceIdentity): boolean;
  isActivated(device: DeviceIdentity): boolean;
  /** A device logged in: from now on it cannot register again. */
  activate(device: DeviceIdentity): void;
  /** A fresh deviceSecret for the device, replacing any other; kept in the store before it resolves. */
  issueSecret(device: DeviceIdentity): Promise<string>;
  /** A fresh clientId and token to log in with (`connwl`), replacing any other; kept likewise. */
  issueToken(device: DeviceIdentity): Promise<IssuedToken>;
  tokenOf(device: DeviceIdentity): IssuedToken | undefined;
  /** Reads what the store keeps for a device this emulator has not seen yet. */
  recall(device: DeviceIdentity): Promise<void>;
  /** Disabled in the console (OpenAPI `DisableThing`): it may not log in until it is enabled again. */
  isDisabled(device: DeviceIdentity): boolean;
  setDisabled(device: DeviceIdentity, disabled: boolean): void;
  /**
   * Deleted (OpenAPI `DeleteDevice`): its secret, token and activation go, and it is unknown for the rest of
   * the run (what a secret store kept of it is not read again), until it registers anew (`regnwl`).
   */
  forget(device: DeviceIdentity): void;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;
const fresh = (bytes: number) => randomBytes(bytes).toString('hex');

export function deviceRegistry(products: readonly EmulatedProduct[], store?: SecretStore): DeviceRegistry {
  const byKey = new Map(products.map((product) => [product.productKey, product]));
  const known = new Set<string>();
  const secrets = new Map<string, string>();
  const tokens = new Map<string, IssuedToken>();
  const activated = new Set<string>();
  const recalled = new Set<string>();
  const disabled = new Set<string>();
  /** Deleted in this run: a store's answer that comes after the deletion does not bring one back. */
  const deleted = new Set<string>();
  for (const product of products) {
    for (const device of product.devices) {
      const key = keyOf({ productKey: product.productKey, deviceName: device.deviceName });
      known.add(key);
      if (device.deviceSecret !== undefined) secrets.set(key, device.deviceSecret);
    }
  }

  const keep = async (device: DeviceIdentity, credential: DeviceCredential) => {
    if (store !== undefined)
      await lastValueFrom(from(store.save(device, credential)), { defaultValue: undefined });
  };

  return {
    secretOf: (device) => secrets.get(keyOf(device)),
    product: (productKey) => byKey.get(productKey),
    isKnown: (device) => known.has(keyOf(device)),
    isActivated: (device) => activated.has(keyOf(device)),
    isDisabled: (device) => disabled.has(keyOf(device)),
    setDisabled: (device, yes) => void (yes ? disabled.add(keyOf(device)) : disabled.delete(keyOf(device))),
    forget(device) {
      const key = keyOf(device);
      // What a secret store kept of it, read now or later, does not bring it back.
      recalled.add(key);
      deleted.add(key);
      for (const table of [known, activated, disabled]) table.delete(key);
      secrets.delete(key);
      tokens.delete(key);
    },
    activate: (device) => void activated.add(keyOf(device)),
    async issueSecret(device) {
      const deviceSecret = fresh(16);
      await keep(device, { deviceSecret });
      const key = keyOf(device);
      deleted.delete(key);
      known.add(key);
      secrets.set(key, deviceSecret);
      tokens.delete(key);
      return deviceSecret;
    },
    async issueToken(device) {
      const token = { clientId: fresh(8), deviceToken: fresh(16) };
      await keep(device, token);
      const key = keyOf(device);
      deleted.delete(key);
      known.add(key);
      tokens.set(key, token);
      return token;
    },
    tokenOf: (device) => tokens.get(keyOf(device)),
    async recall(device) {
      const key = keyOf(device);
      if (store === undefined || recalled.has(key)) return;
      recalled.add(key);
      const credential = await lastValueFrom(from(store.load(device)).pipe(defaultIfEmpty(undefined)));
      if (credential === undefined || !byKey.has(device.productKey) || deleted.has(key)) return;
      // Kept by an earlier run, which issued it for a login: the device counts as activated.
      known.add(key);
      activated.add(key);
      if ('deviceSecret' in credential) secrets.set(key, credential.deviceSecret);
      else tokens.set(key, credential);
    },
  };
}
