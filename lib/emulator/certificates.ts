import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der';

// Certificates for the emulator's TLS listeners and for tests: a certificate authority made at start, and
// server or client certificates it signs. EC P-256 keys (fast to make), ECDSA with SHA-256, X.509 v3
// written with the small DER writer next to this file: Node can sign and read certificates, not write them.

/** A certificate and its private key, both PEM. */
export interface KeyPair {
  readonly cert: string;
  /** PKCS #8 PEM. A secret: never log it. */
  readonly key: string;
}

export interface CertificateOptions {
  /** Default: the first host, or `'rx-aliyun-iot emulator CA'` for an authority. */
  readonly commonName?: string | undefined;
  /** Default: now, less a minute (clocks differ). */
  readonly notBefore?: Date | undefined;
  /** Default: 10 years after `notBefore`. */
  readonly notAfter?: Date | undefined;
}

export interface IssueOptions extends CertificateOptions {
  /** Host names and IP addresses the certificate is for (subjectAltName). Default: `['localhost', '127.0.0.1']`. */
  readonly hosts?: readonly string[] | undefined;
}

/** A certificate authority that signs certificates, e.g. for the emulator's TLS listeners. */
export interface CertificateAuthority extends KeyPair {
  /** A certificate for `hosts`, good for a server and a client, signed by this authority. */
  issue(options?: IssueOptions): KeyPair;
}

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const name = (commonName: string): Buffer =>
  der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))));

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/** The SHA-1 of the public key's bits (RFC 5280 §4.2.1.2, method 1). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // An EC P-256 SPKI ends in the 65-byte uncompressed point.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

/** `digitalSignature` (bit 0) for an end entity; `keyCertSign` and `cRLSign` (bits 5, 6) for an authority. */
const keyUsage = (authority: boolean): Buffer =>
  authority ? der.tagged(0x03, Buffer.from([1, 0x06])) : der.tagged(0x03, Buffer.from([7, 0x80]));

function subjectAltName(hosts: readonly string[]): Buffer {
  const names = hosts.map((host) => {
    const family = isIP(host);
    if (family === 0) return der.tagged(0x82, Buffer.from(host, 'ascii'));
    return der.tagged(0x87, family === 4 ? Buffer.from(host.split('.').map(Number)) : ipv6Bytes(host));
  });
  return der.sequence(...names);
}

/** The 16 bytes of an IPv6 address, `::` expanded. */
function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const zeros = host.includes('::') ? 8 - groups(head).length - groups(tail).length : 0;
  const all = [...groups(head), ...Array<string>(zeros).fill('0'), ...groups(tail)];
  return Buffer.from(all.map((group) => group.padStart(4, '0')).join(''), 'hex');
}

interface Signer {
  readonly subject: string;
  readonly privateKey: KeyObject;
  readonly keyId: Buffer;
}

function certificate(
  subject: string,
  publicKey: KeyObject,
  signer: Signer,
  options: CertificateOptions,
  extensions: readonly Buffer[],
): string {
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 10 * 365 * 24 * 3600_000);
  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(randomBytes(16)),
    algorithm,
    name(signer.subject),
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, signer.privateKey);
  const cert = der.sequence(tbs, algorithm, der.bitString(signature));
  const lines = cert.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const newKeys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * Makes a certificate authority (a self-signed root) with a fresh key; it then issues certificates.
 *
 * ```ts
 * const ca = createCertificateAuthority();
 * const server = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
 * createDevice({ ..., tls: { ca: ca.cert } });
 * ```
 */
export function createCertificateAuthority(options: CertificateOptions = {}): CertificateAuthority {
  const { publicKey, privateKey } = newKeys();
  const keyId = keyIdentifier(publicKey);
  const self: Signer = { subject: options.commonName ?? 'rx-aliyun-iot emulator CA', privateKey, keyId };
  const cert = certificate(self.subject, publicKey, self, options, [
    extension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
    extension(OID.keyUsage, true, keyUsage(true)),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
  ]);
  return {
    cert,
    key: pemOf(privateKey),
    issue(issued = {}) {
      const hosts = issued.hosts ?? ['localhost', '127.0.0.1'];
      const leaf = newKeys();
      const leafCert = certificate(
        issued.commonName ?? hosts[0] ?? 'localhost',
        leaf.publicKey,
        self,
        issued,
        [
          extension(OID.basicConstraints, true, der.sequence()),
          extension(OID.keyUsage, true, keyUsage(false)),
          extension(OID.extKeyUsage, false, der.sequence(der.oid(OID.serverAuth), der.oid(OID.clientAuth))),
          extension(OID.subjectAltName, false, subjectAltName(hosts)),
          extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(leaf.publicKey))),
          extension(OID.authorityKeyIdentifier, false, der.sequence(der.tagged(0x80, keyId))),
        ],
      );
      return { cert: leafCert, key: pemOf(leaf.privateKey) };
    },
  };
}
