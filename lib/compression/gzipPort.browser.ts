import * as E from 'fp-ts/Either';
import { defer, from } from 'rxjs';
import type { CompressionPort, GunzipRefusal } from './CompressionPort';

/**
 * How much input goes into a stream at once. A stream turns each chunk it is given into output whole before
 * it is read (the Compression Standard's "decompress and enqueue a chunk"), and deflate grows at most
 * 1032-fold: so a slice of 1 KiB holds about 1 MiB in the stream, where a small payload written whole (a
 * decompression bomb) could unpack gigabytes before the first read saw the bound.
 */
const SLICE_BYTES = 1024;

/**
 * `data` through a compression or decompression stream, fed a slice at a time as the stream takes them and
 * read as it comes, until its end or until it holds over `maxBytes`: then nothing more is fed.
 */
async function transform(
  data: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const writer = stream.writable.getWriter();
  const reader = (stream.readable as ReadableStream<Uint8Array>).getReader();
  let stopped = false;
  const feeding = (async () => {
    for (let at = 0; at < data.byteLength && !stopped; at += SLICE_BYTES) {
      await writer.write(data.subarray(at, at + SLICE_BYTES));
    }
    if (!stopped) await writer.close();
  })();
  // A stream that fails fails its reader too: that is where the failure is read.
  feeding.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      stopped = true;
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  await feeding;
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
