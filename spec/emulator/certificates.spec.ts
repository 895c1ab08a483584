import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import { createCertificateAuthority, type KeyPair } from '../../lib/emulator/certificates';

/** Connects to a TLS server with `cert` and answers with the error code, or 'ok'. */
async function handshake(server: KeyPair, options: ConnectionOptions): Promise<string> {
  const listener = createServer({ cert: server.cert, key: server.key }, (socket) => socket.end());
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
        socket.destroy();
        resolve('ok');
      });
      socket.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    });
  } finally {
    listener.close();
  }
}

describe('createCertificateAuthority', () => {
  const ca = createCertificateAuthority();

  it('should make a self-signed authority', () => {
    const cert = new X509Certificate(ca.cert);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=rx-aliyun-iot emulator CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(createPrivateKey(ca.key).asymmetricKeyType).toBe('ec');
  });

  it('should issue a certificate for the hosts it is given, signed by the authority', () => {
    const issued = new X509Certificate(ca.issue({ hosts: ['localhost', '127.0.0.1', '::1'] }).cert);
    expect(issued.ca).toBe(false);
    expect(issued.subject).toBe('CN=localhost');
    expect(issued.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(issued.checkIssued(new X509Certificate(ca.cert))).toBe(true);
    expect(issued.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
  });

  it('should take the validity it is given', () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2051-01-01T00:00:00Z');
    const issued = new X509Certificate(ca.issue({ notBefore, notAfter }).cert);
    expect(new Date(issued.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(issued.validTo).toISOString()).toBe(notAfter.toISOString());
  });

  it.each<[string, () => KeyPair, ConnectionOptions, string]>([
    ['the right authority', () => ca.issue(), { ca: ca.cert }, 'ok'],
    [
      'another authority',
      () => ca.issue(),
      { ca: createCertificateAuthority().cert },
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ],
    [
      'another host',
      () => ca.issue({ hosts: ['broker.example'] }),
      { ca: ca.cert },
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    [
      'an expired certificate',
      () => ca.issue({ notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }),
      { ca: ca.cert },
      'CERT_HAS_EXPIRED',
    ],
  ])('should be checked by Node as a real one: %s', async (_, issue, options, expected) => {
    await expect(handshake(issue(), options)).resolves.toBe(expected);
  });
});
