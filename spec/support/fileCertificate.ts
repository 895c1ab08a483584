// Test support: a certificate for the emulator's file server on 127.0.0.1, and the authority to trust.
import { createCertificateAuthority } from '../../lib/emulator/certificates';

const authority = createCertificateAuthority({ commonName: 'rx-aliyun-iot test CA' });

/** The server's key pair, signed for 127.0.0.1 and localhost. */
export const fileCertificate = authority.issue({ hosts: ['127.0.0.1', 'localhost'] });

/** PEM of the authority that signed it. */
export const fileCa = authority.cert;
