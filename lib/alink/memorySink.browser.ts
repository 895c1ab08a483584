/**
 * In a browser, in place of `memorySink.ts`: a download writes into a Node `Writable`, which a browser does
 * not have, so a configuration file cannot be fetched there; the failure says so.
 */
export function memorySink(): never {
  throw new Error('remote configuration files are downloaded into Node.js streams: not in a browser');
}
