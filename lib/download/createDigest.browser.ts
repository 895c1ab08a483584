import type { DigestMethod } from '../protocol';
import type { Digest } from './createDigest';

export type { Digest } from './createDigest';

/**
 * In a browser, in place of `createDigest.ts`: a browser has no MD5, and no SHA-256 that takes bytes as they
 * arrive (WebCrypto digests a whole buffer), so images and configuration files are not downloaded there.
 */
export function createDigest(method: DigestMethod): Digest {
  throw new Error(`a ${method} digest of a download needs Node.js; downloads do not run in a browser`);
}
