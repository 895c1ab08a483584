import * as E from 'fp-ts/Either';
import { defer, from } from 'rxjs';
import type { CompressionPort, GunzipRefusal } from './CompressionPort';

/** `data` through a compression or decompression stream, read to its end or until it holds over `maxBytes`. */
async function transform(
  data: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const reader = (new Blob([data]).stream().pipeThrough(stream) as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * In a browser, in place of `gzipPort.ts`: the same gzip on `CompressionStream` and `DecompressionStream`,
 * asynchronous (a compressed publish goes once its bytes are ready). Those streams take no level: gzip is
 * made at the browser's own.
 */
export function gzipPort(): CompressionPort {
  return {
    gzip: (data) =>
      defer(() =>
        from(
          transform(data, new CompressionStream('gzip'), Infinity).then((bytes) => bytes ?? new Uint8Array()),
        ),
      ),
    gunzip: (data, maxBytes) =>
      defer(() =>
        from(
          transform(data, new DecompressionStream('gzip'), maxBytes).then(
            (bytes): E.Either<GunzipRefusal, Uint8Array> =>
              bytes === undefined
                ? E.left({
                    reason: 'too-large',
                    message: `the payload gunzips to more than ${maxBytes} bytes`,
                  })
                : E.right(bytes),
            (error: unknown): E.Either<GunzipRefusal, Uint8Array> =>
              E.left({ reason: 'not-gzip', message: `the payload is not gzip: ${String(error)}` }),
          ),
        ),
      ),
  };
}
