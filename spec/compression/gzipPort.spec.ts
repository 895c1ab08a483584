import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as E from 'fp-ts/Either';
import { firstValueFrom } from 'rxjs';
import { gzipPort } from '../../lib/compression/gzipPort';
import { gzipPort as browserGzipPort } from '../../lib/compression/gzipPort.browser';

const json = Buffer.from(JSON.stringify({ id: '1', params: { text: 'compress me '.repeat(200) } }));
const MIB = 1024 * 1024;

// The browser twin runs here on Node's own CompressionStream and DecompressionStream, the same web API.
describe.each([
  ['gzipPort', gzipPort()],
  ['gzipPort.browser', browserGzipPort()],
])('%s', (_, port) => {
  const gzip = (data: Uint8Array, level = 1) => firstValueFrom(port.gzip(data, level));
  const gunzip = (data: Uint8Array, maxBytes = MIB) => firstValueFrom(port.gunzip(data, maxBytes));

  it('should make gzip (1f 8b, deflate) that zlib reads back to the same bytes', async () => {
    const zipped = await gzip(json);
    expect([...zipped.subarray(0, 3)]).toEqual([0x1f, 0x8b, 8]);
    expect(zipped.byteLength).toBeLessThan(json.byteLength / 4);
    expect(gunzipSync(zipped)).toEqual(json);
  });

  it.each([1, 6, 9])('should read what zlib wrote at level %d', async (level) => {
    const read = await gunzip(gzipSync(json, { level }));
    expect(E.isRight(read) && Buffer.from(read.right)).toEqual(json);
  });

  it('should read a payload of exactly the bound', async () => {
    const data = randomBytes(4096);
    const read = await gunzip(gzipSync(data), 4096);
    expect(E.isRight(read) && Buffer.from(read.right)).toEqual(data);
  });

  it('should refuse a payload that would gunzip past the bound, however small it is', async () => {
    // 16 MiB of zeros in about 16 KiB: a decompression bomb.
    const bomb = gzipSync(Buffer.alloc(16 * MIB));
    expect(bomb.byteLength).toBeLessThan(20_000);
    expect(await gunzip(bomb)).toEqual(
      E.left({ reason: 'too-large', message: `the payload gunzips to more than ${MIB} bytes` }),
    );
  });

  it.each<[string, Uint8Array]>([
    ['plain JSON', json],
    ['a gzip cut short', gzipSync(json).subarray(0, 40)],
    ['no bytes', new Uint8Array()],
  ])('should refuse %s as not gzip', async (_, data) => {
    const read = await gunzip(data);
    expect(E.isLeft(read) && read.left.reason).toBe('not-gzip');
    expect(E.isLeft(read) && read.left.message).toMatch(/^the payload is not gzip: /);
  });
});

describe('gzipPort', () => {
  it('should compress at the level asked for, as zlib does', async () => {
    for (const level of [1, 9]) {
      expect(Buffer.from(await firstValueFrom(gzipPort().gzip(json, level)))).toEqual(
        gzipSync(json, { level }),
      );
    }
  });

  it('should answer as it is subscribed, so that a message keeps its place', () => {
    const seen: string[] = [];
    gzipPort()
      .gunzip(gzipSync(json), MIB)
      .subscribe(() => seen.push('gunzipped'));
    seen.push('after');
    expect(seen).toEqual(['gunzipped', 'after']);
  });
});

describe('gzipPort.browser', () => {
  // A stream as the Compression Standard has it turns each chunk it is given into output whole, before any
  // read: what the port writes into it, slice by slice, is what it may be made to hold.
  const Native = globalThis.DecompressionStream;
  const fed: number[] = [];
  class CountedDecompressionStream {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    constructor(format: ConstructorParameters<typeof DecompressionStream>[0]) {
      const inner = new Native(format);
      const writer = inner.writable.getWriter();
      this.readable = inner.readable as ReadableStream<Uint8Array>;
      this.writable = new WritableStream<Uint8Array>({
        write: (chunk) => {
          fed.push(chunk.byteLength);
          return writer.write(chunk);
        },
        close: () => writer.close(),
        abort: (reason: unknown) => writer.abort(reason),
      });
    }
  }
  beforeEach(() => {
    fed.length = 0;
    globalThis.DecompressionStream = CountedDecompressionStream as unknown as typeof DecompressionStream;
  });
  afterEach(() => {
    globalThis.DecompressionStream = Native;
  });

  it('should feed a bomb in slices of 1 KiB and stop feeding once past the bound', async () => {
    // 64 MiB of zeros in about 64 KiB: a slice of 1 KiB unpacks to about 1 MiB.
    const bomb = gzipSync(Buffer.alloc(64 * MIB));
    expect(await firstValueFrom(browserGzipPort().gunzip(bomb, MIB))).toEqual(
      E.left({ reason: 'too-large', message: `the payload gunzips to more than ${MIB} bytes` }),
    );
    expect(Math.max(...fed)).toBeLessThanOrEqual(1024);
    // Node's stream takes in up to 16 KiB before it is read (it unpacks lazily): far from all of the bomb.
    expect(fed.reduce((sum, bytes) => sum + bytes, 0)).toBeLessThan(bomb.byteLength / 2);
  });

  it('should read back in slices what it was given whole', async () => {
    const read = await firstValueFrom(browserGzipPort().gunzip(gzipSync(randomBytes(10_000)), MIB));
    expect(E.isRight(read) && read.right.byteLength).toBe(10_000);
    expect(fed.length).toBeGreaterThan(1);
    expect(Math.max(...fed)).toBeLessThanOrEqual(1024);
  });
});
