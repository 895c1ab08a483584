import { filter, map, type Observable } from 'rxjs';
import type { AlinkDevice } from './AlinkDevice';

/** A product broadcast: sent to every online device of the product, without a subscription. */
export interface ProductBroadcast {
  readonly messageId: string;
  readonly topic: string;
  readonly payload: Buffer;
}

/** A topic broadcast, on `/broadcast/pk/${name}`. */
export interface TopicBroadcast {
  /** The topic after `/broadcast/pk/`. */
  readonly name: string;
  readonly topic: string;
  readonly payload: Buffer;
}

/**
 * Product broadcasts (OpenAPI `PubBroadcast` without a topic): they arrive on
 * `/sys/pk/dn/broadcast/request/${messageId}` without any subscription, and want no reply. Reads
 * `messages$`, so it subscribes nothing at the broker.
 *
 * ```ts
 * productBroadcasts(device).subscribe(({ messageId, payload }) => console.log(messageId, payload.toString()));
 * ```
 */
export function productBroadcasts(device: AlinkDevice): Observable<ProductBroadcast> {
  const prefix = device.topics.broadcastRequest('');
  return device.messages$.pipe(
    filter(
      ({ topic }) =>
        topic.startsWith(prefix) && topic.length > prefix.length && !topic.includes('/', prefix.length),
    ),
    map(({ topic, payload }) => ({ messageId: topic.slice(prefix.length), topic, payload })),
  );
}

/**
 * Topic broadcasts on `/broadcast/pk/${name}` (a filter: `'#'`, the default, takes them all). Subscribes the
 * filter at the broker while observed.
 */
export function topicBroadcasts(device: AlinkDevice, name = '#'): Observable<TopicBroadcast> {
  const prefix = device.topics.broadcast('');
  return device
    .observe(device.topics.broadcast(name))
    .pipe(map(({ topic, payload }) => ({ name: topic.slice(prefix.length), topic, payload })));
}
