import { createHash } from 'node:crypto';
import type { DigestMethod } from '../protocol';

/** A running digest of a download, fed chunk by chunk. */
export interface DigestHash {
  update(chunk: Uint8Array): void;
  /** Lowercase hex, once the last chunk is in. */
  digest(encoding: 'hex'): string;
}

/**
 * The digest `method` names, on Node's OpenSSL. A browser build takes `digestHash.browser.ts` in its place
 * (the `browser` field of the build's package.json).
 */
export function digestHash(method: DigestMethod): DigestHash {
  return createHash(method === 'MD5' ? 'md5' : 'sha256');
}
