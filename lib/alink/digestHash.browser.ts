import { md5 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import type { DigestMethod } from '../protocol';
import type { DigestHash } from './digestHash';

/** In a browser, in place of `digestHash.ts`: the same digests in plain JavaScript (Web Crypto has no MD5). */
export function digestHash(method: DigestMethod): DigestHash {
  const hash = (method === 'MD5' ? md5 : sha256).create();
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => bytesToHex(hash.digest()),
  };
}
