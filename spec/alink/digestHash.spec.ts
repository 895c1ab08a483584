import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { digestHash } from '../../lib/alink/digestHash';
import { digestHash as browserDigestHash } from '../../lib/alink/digestHash.browser';
import type { DigestMethod } from '../../lib/protocol';

describe.each([
  ['digestHash', digestHash],
  ['digestHash.browser', browserDigestHash],
])('%s', (_, hashOf) => {
  it.each<[DigestMethod, string]>([
    ['MD5', '9e107d9d372bb6826bd81d3542a419d6'],
    ['SHA256', 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592'],
  ])('should give %s of a text fed in two chunks as lowercase hex', (method, hex) => {
    const hash = hashOf(method);
    hash.update(Buffer.from('The quick brown fox '));
    hash.update(new TextEncoder().encode('jumps over the lazy dog'));
    expect(hash.digest('hex')).toBe(hex);
  });

  it.each<[DigestMethod, string]>([
    ['MD5', 'md5'],
    ['SHA256', 'sha256'],
  ])('should agree with node:crypto on any chunks by %s', (method, name) => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const hash = hashOf(method);
        const reference = createHash(name);
        for (const chunk of chunks) {
          hash.update(chunk);
          reference.update(chunk);
        }
        expect(hash.digest('hex')).toBe(reference.digest('hex'));
      }),
    );
  });
});
