import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { SIGN_METHODS, signContent, signatureContent, type SignMethod } from '../../lib/identity/signContent';
import { REGISTRATION_VECTOR_DEVICE, REGISTRATION_VECTORS } from '../support/registrationVectors';

type Fields = Record<string, string | undefined>;

const example1: Fields = { clientId: '12345', deviceName: 'device', productKey: 'pk', timestamp: '789' };
const seed: Fields = {
  clientId: 'SN1928339',
  deviceName: 'light1983432',
  productKey: 'a14Xib5kdYd',
  timestamp: '1539421321846',
};
const test: Fields = {
  clientId: 'a1TestPK001&dev01',
  deviceName: 'dev01',
  productKey: 'a1TestPK001',
  timestamp: '1700000000000',
};
const noTimestamp: Fields = { clientId: 'myClient01', deviceName: 'dev01', productKey: 'a1TestPK001' };
const testSecret = '0123456789abcdef0123456789abcdef';

describe('signatureContent', () => {
  it.each<[string, Fields, string]>([
    ['Example 1', example1, 'clientId12345deviceNamedeviceproductKeypktimestamp789'],
    [
      'the seed device',
      seed,
      'clientIdSN1928339deviceNamelight1983432productKeya14Xib5kdYdtimestamp1539421321846',
    ],
    [
      'a clientId with &',
      test,
      'clientIda1TestPK001&dev01deviceNamedev01productKeya1TestPK001timestamp1700000000000',
    ],
    ['no timestamp', noTimestamp, 'clientIdmyClient01deviceNamedev01productKeya1TestPK001'],
    [
      'dynamic registration',
      { random: '1700000000000', productKey: 'a1TestPK001', deviceName: 'dev01' },
      'deviceNamedev01productKeya1TestPK001random1700000000000',
    ],
  ])('should concatenate the sorted fields of %s', (_, fields, content) => {
    expect(signatureContent(fields)).toBe(content);
  });

  it('should leave out fields whose value is undefined', () => {
    expect(signatureContent({ ...noTimestamp, timestamp: undefined })).toBe(signatureContent(noTimestamp));
  });

  it('should not depend on the order of the fields', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (fields) => {
        const reversed = Object.fromEntries(Object.entries(fields).reverse());
        expect(signatureContent(reversed)).toBe(signatureContent(fields));
      }),
    );
  });
});

describe('signContent', () => {
  // PROTOCOL.md §1, every row of the test vectors.
  it.each<[string, Fields, SignMethod, string]>([
    ['secret', example1, 'hmacsha1', 'fafd82a3d602b37fb0fa8b7892f24a477f851a14'],
    ['secret', example1, 'hmacmd5', '14b198324fe55e1d3c88f2e705e201ee'],
    ['secret', example1, 'hmacsha256', '6074a46a91b1ebb2cc4ea42790ad0e80202c9843859fc292e57c4eb19fad9e57'],
    ['oLyaKqVxtRvjH284LdhqVgVUx1UPy6zq', seed, 'hmacsha1', 'b2488041f64f425016b467ee1c94959ebd592ad1'],
    [testSecret, test, 'hmacmd5', '18ff32d0640c602a51e5bdd0a2400b8e'],
    [testSecret, test, 'hmacsha1', '5acdff46eb9e8dfb2dbde0a476822eb4e8daed39'],
    [testSecret, test, 'hmacsha256', 'c54dda9eb3fd268bbf401a8d0f2b6a07f9e95ab1f08474d2de3d186058201cb5'],
    [
      testSecret,
      noTimestamp,
      'hmacsha256',
      '039d38b56063af9fe3c86d07b14e96234193b0e02b56be2d251c66d2a9e0eaaa',
    ],
  ])('should sign with secret %s the fields %j by %s as %s', (secret, fields, method, hex) => {
    expect(signContent(method, secret, fields)).toBe(hex);
  });

  // PROTOCOL.md §2: dynamic registration signs deviceName, productKey and random with the productSecret.
  it.each(REGISTRATION_VECTORS)(
    'should sign the registration of random %s by %s as %s',
    (random, method, hex) => {
      const { deviceName, productKey, productSecret } = REGISTRATION_VECTOR_DEVICE;
      expect(signContent(method, productSecret, { deviceName, productKey, random })).toBe(hex);
    },
  );

  it.each<[SignMethod, number]>([
    ['hmacmd5', 32],
    ['hmacsha1', 40],
    ['hmacsha256', 64],
  ])('should give %s as %d lowercase hex digits', (method, length) => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.string()), (secret, fields) => {
        expect(signContent(method, secret, fields)).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
      }),
    );
  });

  // The signing is plain JavaScript (it runs in browsers too): it must agree with Node's OpenSSL on any text,
  // keys longer than a hash block and lone surrogates included.
  it.each<[SignMethod, string]>([
    ['hmacmd5', 'md5'],
    ['hmacsha1', 'sha1'],
    ['hmacsha256', 'sha256'],
  ])('should sign by %s as node:crypto does with %s', (method, digest) => {
    const text = fc.string({ unit: 'binary', maxLength: 200 });
    fc.assert(
      fc.property(text, fc.dictionary(fc.string({ unit: 'binary' }), text), (secret, fields) => {
        const expected = createHmac(digest, secret).update(signatureContent(fields), 'utf8').digest('hex');
        expect(signContent(method, secret, fields)).toBe(expected);
      }),
    );
  });

  it('should list every method the platform accepts', () => {
    expect([...SIGN_METHODS].sort()).toEqual(['hmacmd5', 'hmacsha1', 'hmacsha256']);
  });
});
