import { Writable } from 'node:stream';

/**
 * Collects a small file in memory, up to `maxBytes`: a Node `Writable`. A browser build takes
 * `memorySink.browser.ts` in its place.
 */
export function memorySink(maxBytes: number): { sink: Writable; content: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(new Error(`the file is over ${maxBytes} bytes`));
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, content: () => Buffer.concat(chunks) };
}
