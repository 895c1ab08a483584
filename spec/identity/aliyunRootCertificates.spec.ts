import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import {
  ALIYUN_IOT_ROOT_CA,
  ALIYUN_ROOT_CERTIFICATES,
  GLOBALSIGN_ROOT_CA,
} from '../../lib/identity/aliyunRootCertificates';

describe('ALIYUN_ROOT_CERTIFICATES', () => {
  it.each<[string, string, string, string, string]>([
    [
      'GlobalSign Root CA (R1)',
      GLOBALSIGN_ROOT_CA,
      'CN=GlobalSign Root CA',
      '2028-01-28T12:00:00.000Z',
      'EB:D4:10:40:E4:BB:3E:C7:42:C9:E3:81:D3:1E:F2:A4:1A:48:B6:68:5C:96:E7:CE:F3:C1:DF:6C:D4:33:1C:99',
    ],
    [
      'Aliyun IoT Root CA',
      ALIYUN_IOT_ROOT_CA,
      'CN=Aliyun IoT Root CA',
      '2053-07-04T06:36:58.000Z',
      '7C:A4:38:A3:97:6B:52:42:D2:31:F8:61:49:98:22:DA:85:58:31:38:27:35:83:6B:36:1E:7E:97:15:66:16:76',
    ],
  ])('should hold %s, a self-signed root', (_, pem, subject, validTo, fingerprint) => {
    const cert = new X509Certificate(pem);
    expect(cert.subject).toContain(subject);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validTo).toISOString()).toBe(validTo);
    expect(cert.fingerprint256).toBe(fingerprint);
  });

  it('should ship exactly the roots that Node does not carry', () => {
    const node = new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
    expect(ALIYUN_ROOT_CERTIFICATES).toEqual([GLOBALSIGN_ROOT_CA, ALIYUN_IOT_ROOT_CA]);
    for (const pem of ALIYUN_ROOT_CERTIFICATES) {
      expect(node.has(new X509Certificate(pem).fingerprint256)).toBe(false);
    }
  });
});
