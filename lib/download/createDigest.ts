import { createHash } from 'node:crypto';
import type { DigestMethod } from '../protocol';

/** A digest computed as the bytes arrive. */
export interface Digest {
  update(chunk: Uint8Array): void;
  /** Lowercase hex; once. */
  hex(): string;
}

/** MD5 or SHA-256, from Node's `crypto`. A browser build takes `createDigest.browser.ts` instead. */
export function createDigest(method: DigestMethod): Digest {
  const hash = createHash(method === 'MD5' ? 'md5' : 'sha256');
  return { update: (chunk) => void hash.update(chunk), hex: () => hash.digest('hex') };
}
