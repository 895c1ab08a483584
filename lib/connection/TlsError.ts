import type { IClientOptions } from 'mqtt';
import type { Pem, TlsOptions } from '../identity/tlsOptions';

/** What went wrong, for the OpenSSL and Node codes a TLS client meets most. */
const problems: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the server's certificate is not signed by a trusted certificate authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the issuer of the server's certificate is not trusted",
  UNABLE_TO_GET_ISSUER_CERT: "the issuer of the server's certificate is not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate chain ends in an untrusted self-signed root",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate names another host",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet",
  CERT_SIGNATURE_FAILURE: "the signature of the server's certificate does not verify",
  CERT_REVOKED: "the server's certificate is revoked",
  INVALID_CA: 'a certificate in the chain is not a certificate authority',
  CERT_UNTRUSTED: "the server's certificate is not trusted",
};

/**
 * A TLS connection failed: the server's certificate did not verify (`code` is OpenSSL's or Node's, e.g.
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`), or the handshake failed (`ERR_SSL_…`,
 * e.g. TLS against a plain port). Reconnects back off as for any failed attempt; a certificate problem rarely
 * goes away by itself, so check `tls.ca` and the endpoint's host.
 */
export class TlsError extends Error {
  override readonly name = 'TlsError';
  constructor(
    readonly code: string,
    readonly problem: string,
    override readonly cause?: unknown,
  ) {
    super(`TLS failed: ${problem} (${code})`);
  }
}

/** The `TlsError` an MQTT.js or socket error stands for, if it is one. */
export function tlsErrorOf(error: Error & { code?: unknown }): TlsError | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code === undefined) return undefined;
  const problem =
    problems[code] ??
    (/^(ERR_SSL_|ERR_TLS_)/.test(code) ? `the TLS handshake failed: ${error.message}` : undefined);
  return problem === undefined ? undefined : new TlsError(code, problem, error);
}

const bytes = (pem: Pem): string | Buffer => (typeof pem === 'string' ? pem : Buffer.from(pem));
const many = (pems: Pem | readonly Pem[] | undefined) =>
  pems === undefined ? undefined : Array.isArray(pems) ? pems.map(bytes) : bytes(pems as Pem);

/**
 * MQTT.js's options for `tls`: at the top for `mqtts:`, and in `wsOptions` too for `wss:` (MQTT.js copies
 * `ca`, `cert`, `key` and `rejectUnauthorized` there itself, but not `servername`).
 */
export function tlsClientOptions(
  tls: TlsOptions | undefined,
  clientOptions: Readonly<IClientOptions> | undefined,
): Partial<IClientOptions> {
  if (tls === undefined) return {};
  const { ca, cert, key, rejectUnauthorized, servername } = tls;
  const options = {
    ...(ca === undefined ? {} : { ca: many(ca) }),
    ...(cert === undefined ? {} : { cert: many(cert) }),
    ...(key === undefined ? {} : { key: many(key) }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
    ...(servername === undefined ? {} : { servername }),
  } as Partial<IClientOptions>;
  return { ...options, wsOptions: { ...clientOptions?.wsOptions, ...options } };
}
