import * as node from '../../lib/download/createDigest';
import * as twin from '../../lib/download/createDigest.browser';

describe('createDigest', () => {
  it.each([
    ['MD5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['MD5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['SHA256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ] as const)('should give the %s of %p, fed in pieces', (method, text, hex) => {
    const digest = node.createDigest(method);
    for (const char of text) digest.update(Buffer.from(char));
    expect(digest.hex()).toBe(hex);
  });

  it('should have a browser twin with the same exports, which says downloads need Node', () => {
    expect(Object.keys(twin).sort()).toEqual(Object.keys(node).sort());
    expect(() => twin.createDigest('MD5')).toThrow(/needs Node\.js/);
  });
});
