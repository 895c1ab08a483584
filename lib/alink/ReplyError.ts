import { ALINK_CODES } from '../protocol';

/**
 * Thrown (or errored) by a handler to answer a request with a code of its own: a device-defined code
 * (100000–110000, `isDeviceDefinedCode`) or one of `ALINK_CODES`. Any other error is answered with 400.
 *
 * ```ts
 * thing.serveService('reboot', () => throwError(() => new ReplyError(100001, 'motor busy')));
 * ```
 */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
  constructor(
    readonly code: number,
    message: string,
    /** Sent as the reply's `data`. */
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The code a handler's failure is answered with: a `ReplyError`'s own, else 400 (request error). */
export const codeOfFailure = (error: Error): number =>
  error instanceof ReplyError ? error.code : ALINK_CODES.requestError;
