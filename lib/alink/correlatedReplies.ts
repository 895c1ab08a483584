import { defer, ignoreElements, Observable, share, tap, timer, type Subscriber } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import type { AlinkDevice } from './AlinkDevice';

/** One subscription to a reply filter, shared by every request waiting on it, each handed its own replies. */
export interface CorrelatedReplies {
  /** The filter the replies come on, e.g. `/sys/pk/dn/thing/event/+/post_reply`. */
  readonly filter: string;
  /** The replies with this Alink id. While anyone waits (and `lingerMs` after), the filter stays observed. */
  to(id: string): Observable<InboundMessage>;
}

/** The Alink id of a reply, read once per message; `undefined` for a payload that is no JSON with an id. */
function idOf(message: InboundMessage): string | undefined {
  try {
    const id = (JSON.parse(message.payload.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replies on `filter`, correlated by id for many requests at once: one broker subscription however many
 * requests wait, kept for `lingerMs` after the last one, so that requests one after another do not each cost
 * a SUBSCRIBE and an UNSUBSCRIBE; and each reply is read once and handed to the requests with its id, not
 * offered to every one of them. An error of the subscription (a refused SUBACK) reaches every waiting request.
 */
export function correlatedReplies(
  device: Pick<AlinkDevice, 'observe'>,
  filter: string,
  lingerMs: number,
): CorrelatedReplies {
  const waiting = new Map<string, Set<Subscriber<InboundMessage>>>();
  const routed$ = defer(() => device.observe(filter, { qos: 1 })).pipe(
    tap((message) => {
      const id = idOf(message);
      if (id !== undefined) waiting.get(id)?.forEach((subscriber) => subscriber.next(message));
    }),
    ignoreElements(),
    share({ resetOnRefCountZero: lingerMs > 0 ? () => timer(lingerMs) : true }),
  );
  return {
    filter,
    to: (id) =>
      new Observable<InboundMessage>((subscriber) => {
        // Registered before the subscription starts, so that a reply delivered at once is not missed.
        const forId = waiting.get(id) ?? new Set();
        waiting.set(id, forId);
        forId.add(subscriber);
        const subscription = routed$.subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          forId.delete(subscriber);
          if (forId.size === 0) waiting.delete(id);
        };
      }),
  };
}
