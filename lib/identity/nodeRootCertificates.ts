import { rootCertificates } from 'node:tls';

/**
 * The certificate authorities Node trusts by default. A browser build takes `nodeRootCertificates.browser.ts`
 * in its place (the `browser` field of the build's package.json), where there are none.
 */
export const nodeRootCertificates: readonly string[] = rootCertificates;
