// The side effects of downloads (OTA images, configuration files) behind a port, with Node's as the default.
export type { DownloadBody, DownloadPort, DownloadRequest, DownloadResponse } from './DownloadPort';
export { nodeDownloadPort, type NodeDownloadPortOptions } from './nodeDownloadPort';
