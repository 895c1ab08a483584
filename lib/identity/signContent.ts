import { createHmac } from 'node:crypto';

/** The HMAC methods the platform accepts in `signmethod`. */
export type SignMethod = 'hmacmd5' | 'hmacsha1' | 'hmacsha256';

export const SIGN_METHODS: readonly SignMethod[] = ['hmacmd5', 'hmacsha1', 'hmacsha256'];

const digestOf: Record<SignMethod, string> = { hmacmd5: 'md5', hmacsha1: 'sha1', hmacsha256: 'sha256' };

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
  return createHmac(digestOf[method], secret).update(signatureContent(fields), 'utf8').digest('hex');
}
