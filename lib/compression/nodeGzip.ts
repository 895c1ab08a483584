import * as E from 'fp-ts/Either';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GunzipRefusal } from './CompressionPort';

/**
 * gzip on Node's `zlib`, synchronous: the default port's work, and the emulator's. `gunzip` stops at
 * `maxBytes` (zlib's `maxOutputLength`), so that a small payload that would inflate to gigabytes (a
 * "decompression bomb") costs no more than the bound.
 */
export const nodeGzip = {
  gzip: (data: Uint8Array, level: number): Buffer => gzipSync(data, { level }),
  gunzip(data: Uint8Array, maxBytes: number): E.Either<GunzipRefusal, Buffer> {
    try {
      return E.right(gunzipSync(data, { maxOutputLength: maxBytes }));
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      return E.left(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? { reason: 'too-large', message: `the payload gunzips to more than ${maxBytes} bytes` }
          : { reason: 'not-gzip', message: `the payload is not gzip: ${message ?? String(error)}` },
      );
    }
  },
};
