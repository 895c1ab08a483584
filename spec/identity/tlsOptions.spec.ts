import * as E from 'fp-ts/Either';
import { rootCertificates } from 'node:tls';
import { ALIYUN_ROOT_CERTIFICATES } from '../../lib/identity/aliyunRootCertificates';
import type { Endpoint } from '../../lib/identity/resolveEndpoint';
import { tlsForEndpoint, TlsOptions } from '../../lib/identity/tlsOptions';

const withPlatformRoots = [...rootCertificates, ...ALIYUN_ROOT_CERTIFICATES];

describe('tlsForEndpoint', () => {
  it.each<[string, Endpoint, TlsOptions, TlsOptions]>([
    [
      'a region',
      { region: 'cn-shanghai' },
      { rejectUnauthorized: true },
      { rejectUnauthorized: true, ca: withPlatformRoots },
    ],
    ['an instance', { instanceId: 'iot-06z00ab12cd34ef' }, {}, { ca: withPlatformRoots }],
    ['a region with its own ca', { region: 'cn-shanghai' }, { ca: 'pem' }, { ca: 'pem' }],
    ['a url', { url: 'mqtts://localhost:8883' }, { rejectUnauthorized: true }, { rejectUnauthorized: true }],
    ['a url with a ca', { url: 'wss://localhost:8084' }, { ca: ['a', 'b'] }, { ca: ['a', 'b'] }],
  ])('should trust, for %s, what it should', (_, endpoint, tls, expected) => {
    expect(tlsForEndpoint(tls, endpoint)).toEqual(expected);
  });
});

describe('TlsOptions', () => {
  it('should take PEM text, bytes and arrays of them', () => {
    const options = { ca: [Buffer.from('a'), 'b'], cert: 'c', key: new Uint8Array([1]), servername: 'h' };
    expect(TlsOptions.decode(options)).toEqual(E.right(options));
  });

  it('should describe a bad key by its kind only', () => {
    const decoded = TlsOptions.decode({ key: { pem: 'PRIVATE-KEY-MATERIAL' } });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message)).toEqual([
      'must be PEM text or bytes, or a non-empty array of them, got an object',
    ]);
  });
});
