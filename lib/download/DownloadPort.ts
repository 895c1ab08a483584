import type { Observable } from 'rxjs';
import type { Writable } from 'node:stream';

/** One GET of a download, from byte `offset` on. */
export interface DownloadRequest {
  readonly url: string;
  /** The first byte wanted: 0 for the whole file, else a `Range: bytes=${offset}-` request. */
  readonly offset: number;
}

/** The body of a response: read as it arrives (backpressure included), destroyed to give up. */
export interface DownloadBody extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): void;
}

/** A response, once its head is in. */
export interface DownloadResponse {
  /** 200 for the whole file, 206 for the part asked for; anything else is a failure. */
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Whoever takes the response reads the body to its end or destroys it. */
  readonly body: DownloadBody;
}

/**
 * The side effects of a download (OTA images, remote configuration files), behind one port: HTTP(S) GETs
 * and the file an image is written to. `nodeDownloadPort()` is the default, on Node's own `http`/`https` and
 * `fs`; a test can count or shape the traffic by wrapping it.
 */
export interface DownloadPort {
  /**
   * Emits the response once its head is in, then completes; errors with the network's error.
   * Unsubscribing before the head is in aborts the request.
   */
  get(request: DownloadRequest): Observable<DownloadResponse>;
  /** A new file at `path` (an existing one is truncated), to write an image into. */
  openFile(path: string): Writable;
  /** Removes the file at `path`, if there is one; completes when it is gone. */
  removeFile(path: string): Observable<void>;
}
