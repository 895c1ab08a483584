import type * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';

/** Why bytes did not gunzip: they are no gzip (or a damaged one), or they would grow past the bound. */
export interface GunzipRefusal {
  readonly reason: 'not-gzip' | 'too-large';
  /** Readable: what the decoder said, or the bound. */
  readonly message: string;
}

/**
 * The gzip (RFC 1952) of message payloads, behind a port: `gzipPort()` is the default, on Node's `zlib`
 * (synchronous: each result is emitted as the call subscribes) and, in a browser, on `CompressionStream`
 * and `DecompressionStream`. A test can count or spoil what passes by wrapping it.
 */
export interface CompressionPort {
  /** The gzip of `data` at `level` (1 to 9), emitted once; errors when it cannot be made. */
  gzip(data: Uint8Array, level: number): Observable<Uint8Array>;
  /**
   * What `data` gunzips to, on the right, if it is at most `maxBytes`; why not on the left. Emits once and
   * completes, whatever the bytes: never an error, and never more than `maxBytes` (and a chunk) held.
   */
  gunzip(data: Uint8Array, maxBytes: number): Observable<E.Either<GunzipRefusal, Uint8Array>>;
}
