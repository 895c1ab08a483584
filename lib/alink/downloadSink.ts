import type { Writable } from 'node:stream';
import { EMPTY, Observable } from 'rxjs';

/** Where a download puts its bytes, whatever the target: a writable stream, or memory. */
export interface DownloadSink {
  /** Takes a chunk; gives a promise when the next chunk must wait for it (backpressure). */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** What went wrong in the sink so far, if anything. */
  failure(): Error | undefined;
  /** Ends it once the bytes are verified; completes once everything is written. */
  end(): Observable<never>;
  /** Stops listening to it: the download is over. */
  release(): void;
}

/** The sink failed: its error, kept apart from the network's. */
export class SinkError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** Resolves once `writable` wants more; rejects if it fails or closes first. */
function drained(writable: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      writable.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(new SinkError(error));
      else resolve();
    };
    const onDrain = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('the target closed'));
    writable.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

/**
 * A writable stream as a sink, its backpressure kept. `untilClosed`: `end()` waits for `'close'` (a file of
 * ours: written and closed), else for `'finish'`.
 */
export function writableSink(writable: Writable, untilClosed: boolean): DownloadSink {
  let failure: Error | undefined;
  const onError = (error: Error) => (failure ??= error);
  writable.on('error', onError);
  return {
    write: (chunk) => (writable.write(chunk) ? undefined : drained(writable)),
    failure: () => failure,
    end: () =>
      new Observable<never>((subscriber) => {
        if (writable.destroyed) {
          subscriber.error(new SinkError(failure ?? new Error('the target closed before the end')));
          return undefined;
        }
        const event = untilClosed ? 'close' : 'finish';
        const onDone = () => subscriber.complete();
        const onFailed = (error: Error) => subscriber.error(new SinkError(error));
        writable.once(event, onDone).once('error', onFailed);
        writable.end();
        return () => writable.off(event, onDone).off('error', onFailed);
      }),
    release: () => writable.off('error', onError),
  };
}

/** A sink that keeps the bytes in memory, up to `maxBytes` (for small files: remote configuration). */
export function memorySink(maxBytes: number): DownloadSink & { content(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let failure: Error | undefined;
  return {
    write: (chunk) => {
      size += chunk.length;
      if (size > maxBytes) failure ??= new Error(`the file is over ${maxBytes} bytes`);
      else chunks.push(chunk);
      return undefined;
    },
    failure: () => failure,
    end: () => EMPTY,
    release: () => undefined,
    // No Buffer: a browser has none.
    content: () => {
      const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let at = 0;
      for (const chunk of chunks) {
        all.set(chunk, at);
        at += chunk.length;
      }
      return all;
    },
  };
}
