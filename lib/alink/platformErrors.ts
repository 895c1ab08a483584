import * as E from 'fp-ts/Either';
import { map, type Observable } from 'rxjs';
import { decodePayload, type DecodeError } from '../operators/decodeJson';
import { PlatformErrorPayload } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';

/** An error the platform reports about the device on `/ext/error/pk/dn` (e.g. 520, a sub-device without a session). */
export interface PlatformError {
  readonly _tag: 'PlatformError';
  readonly topic: string;
  /** The platform's code (`PLATFORM_ERROR_CODES` names the documented ones). */
  readonly code: number;
  readonly message?: string | undefined;
  /** The id of the request the error is about, when the platform sent one. */
  readonly id?: string | undefined;
  readonly data?: unknown | undefined;
}

/**
 * The errors the platform sends on `/ext/error/pk/dn`, decoded: each a `PlatformError` on the right, or a
 * `DecodeError` for a payload that is not one. Subscribes the topic while observed.
 *
 * ```ts
 * platformErrors(device).subscribe((e) => E.isRight(e) && console.warn(e.right.code, e.right.message));
 * ```
 */
export function platformErrors(device: AlinkDevice): Observable<E.Either<DecodeError, PlatformError>> {
  return device.observe(device.topics.error, { qos: 1 }).pipe(
    map((message) =>
      E.map(({ value }: { value: PlatformErrorPayload }): PlatformError => ({
        _tag: 'PlatformError',
        topic: message.topic,
        ...value,
      }))(decodePayload(PlatformErrorPayload, message)),
    ),
  );
}
