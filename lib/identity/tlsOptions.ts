import * as t from 'io-ts';
import { ALIYUN_ROOT_CERTIFICATES } from './aliyunRootCertificates';
import { nodeRootCertificates } from './nodeRootCertificates';
import type { Endpoint } from './resolveEndpoint';
import { kindOf, partialObject, rule, show } from './rule';

/** A PEM text, or its bytes. */
export type Pem = string | Uint8Array;

const isPem = (u: unknown): u is Pem => (typeof u === 'string' && u !== '') || u instanceof Uint8Array;
const isPems = (u: unknown): u is Pem | readonly Pem[] =>
  isPem(u) || (Array.isArray(u) && u.length > 0 && u.every(isPem));

const pems = (name: string, secret: boolean): t.Type<Pem | readonly Pem[]> =>
  rule(name, isPems, (u) => {
    // A private key is a secret: say what it is, never what it holds.
    const got = secret ? kindOf(u) : show(u);
    return `must be PEM text or bytes, or a non-empty array of them, got ${got}`;
  });

/** The TLS fields of the `tls` option. */
export const TLS_FIELDS = {
  /**
   * The certificate authorities to trust, replacing the default. Default: Node's own roots, and for the cloud
   * endpoints (`{ region }`, `{ instanceId }`) also the platform's roots shipped in this package.
   */
  ca: pems('Ca', false),
  /** A client certificate chain (PEM), with `key`, for brokers that ask for one. Default: none. */
  cert: pems('Cert', false),
  /** The private key of `cert` (PEM). Never shown in a problem. Default: none. */
  key: pems('Key', true),
  /**
   * Whether a server whose certificate does not verify against `ca` (or names another host) is refused.
   * Switch it off only to try something out. Default: `true`.
   */
  rejectUnauthorized: rule(
    'boolean',
    (u): u is boolean => typeof u === 'boolean',
    (u) => `must be true or false, got ${show(u)}`,
  ),
  /** The host name the server's certificate must name (SNI). Default: the endpoint's host. */
  servername: rule(
    'ServerName',
    (u): u is string => typeof u === 'string' && u !== '',
    (u) => `must be a host name, got ${show(u)}`,
  ),
};

/** The codec of the `tls` option. */
export const TlsOptions = partialObject(
  'TlsOptions',
  TLS_FIELDS,
  'an object { ca?, cert?, key?, rejectUnauthorized?, servername? }',
);

/** How a device checks the server and, if asked, shows its own certificate (TLS, `mqtts:` and `wss:`). */
export type TlsOptions = t.TypeOf<typeof TlsOptions>;

/**
 * The TLS options a device connects with: on the cloud endpoints (`{ region }`, `{ instanceId }`) without a
 * `ca`, the platform's roots shipped in this package next to Node's own; otherwise `tls` as it is (no `ca`:
 * Node's roots).
 */
export function tlsForEndpoint<T extends TlsOptions>(tls: T, endpoint: Endpoint): T {
  const cloud = !('url' in endpoint);
  return tls.ca === undefined && cloud
    ? { ...tls, ca: [...nodeRootCertificates, ...ALIYUN_ROOT_CERTIFICATES] }
    : tls;
}
