import type * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';
import { thingMethods, TslCodec, type ThingModel } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { alinkRequestData, type AlinkRequestOptions } from './request';
import type { RequestFailure } from './RequestFailure';

export type FetchThingModelOptions = Pick<AlinkRequestOptions, 'timeoutMs' | 'qos'>;

/**
 * Asks the platform for the device's thing model (`thing.dsltemplate.get`) and emits one `Either`: the TSL
 * read into a `ThingModel`, ready for `createThing(device, { tsl })`, or a `RequestFailure` (a document that
 * is not a valid TSL is a `DecodeError` listing every problem). Cold; one request per subscription.
 *
 * ```ts
 * fetchThingModel(device).subscribe((tsl) => {
 *   if (E.isRight(tsl)) console.log(Object.keys(tsl.right.properties));
 * });
 * ```
 */
export function fetchThingModel(
  device: AlinkDevice,
  options: FetchThingModelOptions = {},
): Observable<E.Either<RequestFailure, ThingModel>> {
  return alinkRequestData(
    device,
    { topic: device.topics.dslTemplateGet, method: thingMethods.dslTemplateGet, params: {} },
    TslCodec,
    options,
  );
}
