import { asyncScheduler, Observable, type Subscription } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import type { AlinkDevice } from './AlinkDevice';
import { parseJson } from '../json/parseJson';

/** What hears the replies of one request: each reply with its id, and how the subscription ended. */
export interface ReplyObserver {
  /** A reply with the request's id, and its payload as parsed JSON, read once for every request. */
  next(message: InboundMessage, json?: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** One subscription to a reply filter, shared by every request waiting on it, each handed its own replies. */
export interface CorrelatedReplies {
  /** The filter the replies come on, e.g. `/sys/pk/dn/thing/event/+/post_reply`. */
  readonly filter: string;
  /** Hands `observer` the replies with this Alink id until `unlisten`; the filter stays observed meanwhile. */
  listen(id: string, observer: ReplyObserver): void;
  unlisten(id: string, observer: ReplyObserver): void;
  /** The same, as an observable. */
  to(id: string): Observable<InboundMessage>;
}

/** A payload as JSON, read once per message; `undefined` for one that is not JSON. */
function jsonOf(message: InboundMessage): unknown {
  try {
    return parseJson(message.payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The Alink id in a reply's JSON. */
function idIn(json: unknown): string | undefined {
  const id = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Replies on `filter`, correlated by id for many requests at once: one broker subscription however many
 * requests wait, kept for `lingerMs` after the last one, so that requests one after another do not each cost
 * a SUBSCRIBE and an UNSUBSCRIBE; each reply is read once and handed to the requests with its id, not
 * offered to every one of them. An error of the subscription (a refused SUBACK) reaches every waiting
 * request, as does its completion (the device closed).
 */
export function correlatedReplies(
  device: Pick<AlinkDevice, 'observe'>,
  filter: string,
  lingerMs: number,
): CorrelatedReplies {
  // Plain observers in a map and a refcount by hand, not an observable per request and share(): with 1,000
  // requests waiting, those held 1.4 KB more per request and made the round trip 1.5 times dearer in CPU
  // (bench/README.md, "thing").
  const waiting = new Map<string, ReplyObserver | ReplyObserver[]>();
  let count = 0;
  let upstream: Subscription | undefined;
  let linger: Subscription | undefined;

  const everyone = (): ReplyObserver[] => [...waiting.values()].flat();
  const drop = () => {
    upstream = undefined;
    linger?.unsubscribe();
    linger = undefined;
  };
  const subscribeUpstream = () => {
    let ended = false;
    const subscription = device.observe(filter, { qos: 1 }).subscribe({
      next: (message) => {
        const json = jsonOf(message);
        const id = idIn(json);
        const to = id === undefined ? undefined : waiting.get(id);
        if (Array.isArray(to)) to.forEach((observer) => observer.next(message, json));
        else to?.next(message, json);
      },
      error: (error: unknown) => {
        ended = true;
        drop();
        everyone().forEach((observer) => observer.error(error));
      },
      complete: () => {
        ended = true;
        drop();
        everyone().forEach((observer) => observer.complete());
      },
    });
    if (!ended) upstream = subscription;
  };

  const add = (id: string, observer: ReplyObserver) => {
    const there = waiting.get(id);
    waiting.set(id, there === undefined ? observer : [...(Array.isArray(there) ? there : [there]), observer]);
  };
  /** Whether `observer` was there. */
  const remove = (id: string, observer: ReplyObserver): boolean => {
    const there = waiting.get(id);
    if (there === observer) return waiting.delete(id);
    if (!Array.isArray(there) || !there.includes(observer)) return false;
    const rest = there.filter((other) => other !== observer);
    if (rest.length === 1) waiting.set(id, rest[0] as ReplyObserver);
    else waiting.set(id, rest);
    return true;
  };
  const release = () => {
    upstream?.unsubscribe();
    drop();
  };

  // Not an Unsubscribable per request: the request is the observer, and a closure per request adds up.
  const listen = (id: string, observer: ReplyObserver): void => {
    // Registered before the subscription starts, so that a reply delivered at once is not missed.
    add(id, observer);
    count += 1;
    linger?.unsubscribe();
    linger = undefined;
    if (upstream === undefined) subscribeUpstream();
  };
  const unlisten = (id: string, observer: ReplyObserver): void => {
    if (!remove(id, observer)) return;
    count -= 1;
    if (count > 0 || upstream === undefined) return;
    if (lingerMs > 0) linger = asyncScheduler.schedule(release, lingerMs);
    else release();
  };

  return {
    filter,
    listen,
    unlisten,
    to: (id) =>
      new Observable<InboundMessage>((subscriber) => {
        listen(id, subscriber);
        return () => unlisten(id, subscriber);
      }),
  };
}
