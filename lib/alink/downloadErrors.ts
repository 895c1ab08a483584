// Why a download failed: Error subclasses that end the download's stream. A URL in them keeps its origin and
// path only: the query of a signed URL (OSS `Signature`, `security-token`) is a credential.

/** A URL without its query and fragment, fit for a message. */
export function redactUrl(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return `${origin}${pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** The image's digest is not the one announced: the image is corrupt or not the one meant. */
export class DigestMismatchError extends Error {
  override readonly name = 'DigestMismatchError';
  constructor(
    readonly url: string,
    readonly signMethod: 'MD5' | 'SHA256',
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${signMethod} of ${url} is ${actual}, expected ${expected}`);
  }
}

/** The image is longer or shorter than announced. */
export class SizeMismatchError extends Error {
  override readonly name = 'SizeMismatchError';
  constructor(
    readonly url: string,
    readonly expected: number,
    /** The bytes received when the mismatch showed (more than `expected` when the image ran over). */
    readonly actual: number,
  ) {
    super(
      `${url} is ${actual > expected ? 'longer' : 'shorter'} than the ${expected} bytes announced (${actual})`,
    );
  }
}

/** The download could not be completed: an HTTP status, the network after every retry, or the target. */
export class DownloadFailedError extends Error {
  override readonly name = 'DownloadFailedError';
  constructor(
    readonly url: string,
    reason: string,
    /** The HTTP status, when a response said no. */
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(`download of ${url} failed: ${reason}`);
  }
}
