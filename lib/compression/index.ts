// The gzip of message payloads (the platform's message compression) behind a port, with Node's zlib as the default.
export type { CompressionPort, GunzipRefusal } from './CompressionPort';
export { gzipPort } from './gzipPort';
