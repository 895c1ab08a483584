import type * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';
import {
  DEVICE_INFO_METHODS,
  deviceInfoDeleteParams,
  deviceInfoUpdateParams,
  type AlinkReply,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { alinkRequest, type AlinkRequestOptions } from './request';
import type { RequestFailure } from './RequestFailure';

/**
 * Adds or changes the device's tags (`thing.deviceinfo.update`) and emits one `Either`: the
 * platform's reply, or a `RequestFailure` (a bad key is a `ReplyFailure` with code 460).
 *
 * ```ts
 * updateTags(device, { room: 'hall', floor: '2' }).subscribe((result) => console.log(E.isRight(result)));
 * ```
 */
export function updateTags(
  device: AlinkDevice,
  tags: Readonly<Record<string, string>>,
  options?: AlinkRequestOptions,
): Observable<E.Either<RequestFailure, AlinkReply>> {
  return alinkRequest(
    device,
    {
      topic: device.topics.deviceInfoUpdate,
      method: DEVICE_INFO_METHODS.update,
      params: deviceInfoUpdateParams(tags),
    },
    options,
  );
}

/** Deletes tags by key (`thing.deviceinfo.delete`); one `Either`, as {@link updateTags}. */
export function deleteTags(
  device: AlinkDevice,
  keys: readonly string[],
  options?: AlinkRequestOptions,
): Observable<E.Either<RequestFailure, AlinkReply>> {
  return alinkRequest(
    device,
    {
      topic: device.topics.deviceInfoDelete,
      method: DEVICE_INFO_METHODS.delete,
      params: deviceInfoDeleteParams(keys),
    },
    options,
  );
}
