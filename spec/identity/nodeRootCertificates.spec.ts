import { rootCertificates } from 'node:tls';
import { nodeRootCertificates } from '../../lib/identity/nodeRootCertificates';
import * as twin from '../../lib/identity/nodeRootCertificates.browser';
import * as node from '../../lib/identity/nodeRootCertificates';

describe('nodeRootCertificates', () => {
  it("should be Node's default certificate authorities", () => {
    expect(nodeRootCertificates).toBe(rootCertificates);
    expect(nodeRootCertificates.length).toBeGreaterThan(50);
  });

  it('should have a browser twin with the same exports and no authorities', () => {
    expect(Object.keys(twin).sort()).toEqual(Object.keys(node).sort());
    expect(twin.nodeRootCertificates).toEqual([]);
  });
});
