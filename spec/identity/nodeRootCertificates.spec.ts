import { rootCertificates } from 'node:tls';
import { nodeRootCertificates } from '../../lib/identity/nodeRootCertificates';
import { nodeRootCertificates as inBrowsers } from '../../lib/identity/nodeRootCertificates.browser';

describe('nodeRootCertificates', () => {
  it("should be Node's default certificate authorities", () => {
    expect(nodeRootCertificates).toBe(rootCertificates);
    expect(nodeRootCertificates.length).toBeGreaterThan(50);
  });

  it('should be none in a browser, which checks certificates against its own store', () => {
    expect(inBrowsers).toEqual([]);
  });
});
