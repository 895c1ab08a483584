import { hmac } from '@noble/hashes/hmac';
import { md5, sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** The HMAC methods the platform accepts in `signmethod`. */
export type SignMethod = 'hmacmd5' | 'hmacsha1' | 'hmacsha256';

export const SIGN_METHODS: readonly SignMethod[] = ['hmacmd5', 'hmacsha1', 'hmacsha256'];

// Plain JavaScript rather than node:crypto, so that signing works in a browser too, and synchronously (Web
// Crypto is asynchronous and has no MD5). A device signs once per connection attempt: speed does not matter.
const hashOf = { hmacmd5: md5, hmacsha1: sha1, hmacsha256: sha256 } as const;

/**
 * The sign content of the platform's MQTT login: field names sorted, each name followed by its value, no separators.
 * Fields whose value is `undefined` are left out, so optional ones (clientId, timestamp) can be passed as they are.
 */
export function signatureContent(fields: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(fields)
    .filter((name) => fields[name] !== undefined)
    .sort()
    .map((name) => name + fields[name])
    .join('');
}

/**
 * Signs `fields` with HMAC(key = secret) and returns lowercase hex.
 *
 * ```ts
 * signContent('hmacsha1', deviceSecret, { clientId, deviceName, productKey, timestamp })
 * ```
 */
export function signContent(
  method: SignMethod,
  secret: string,
  fields: Readonly<Record<string, string | undefined>>,
): string {
  const mac = hmac(hashOf[method], utf8ToBytes(secret), utf8ToBytes(signatureContent(fields)));
  return bytesToHex(mac);
}
