/**
 * In a browser, in place of `nodeRootCertificates.ts`: none. A browser checks a server's certificate against
 * its own store, and a page cannot add to it (MQTT.js's browser build ignores `ca`).
 */
export const nodeRootCertificates: readonly string[] = [];
