import * as E from 'fp-ts/Either';
import { catchError, map, of, type Observable } from 'rxjs';
import type { OutboundMessage, PublishFailure, PublishReceipt } from '../connection/messages';
import type { AlinkDevice } from './AlinkDevice';
import { asError } from './RequestFailure';

/** Publishes one message that wants no reply; the receipt or a `PublishFailure`, as an `Either`, never an error. */
export function publishResult(
  device: Pick<AlinkDevice, 'publish'>,
  message: OutboundMessage,
): Observable<E.Either<PublishFailure, PublishReceipt>> {
  return device.publish(message).pipe(
    map((receipt) => E.right(receipt)),
    catchError((error: unknown) =>
      of(E.left<PublishFailure>({ _tag: 'PublishFailure', topic: message.topic, error: asError(error) })),
    ),
  );
}
