import { map, type OperatorFunction } from 'rxjs';
import { TopicRouter, type TopicParams } from '../topic';

/** A message with the kind of the route that its topic matched. */
export interface Classified<K extends string, M = { readonly topic: string }> {
  readonly kind: K;
  /** What the route's named wildcards captured (`+name`, `#name`); empty for `'unmatched'`. */
  readonly params: TopicParams;
  readonly message: M;
}

/**
 * The routes of {@link classifyTopic}: for each kind, one filter or several, named wildcards allowed. The
 * kind `'unmatched'` is taken: it is what a message that matches no route is classified as.
 */
export type TopicRoutes<K extends string> = Readonly<Record<K, string | readonly string[]>> & {
  readonly unmatched?: never;
};

const UNMATCHED_PARAMS: TopicParams = Object.freeze({});

/**
 * Classifies each message by its topic: the first declared kind with a matching filter wins (within a kind,
 * any of its filters), as an if/elif chain over topics would, and named wildcards are captured into
 * `params`. A message that matches no route comes out as kind `'unmatched'`: nothing is dropped silently.
 * Errors and completion pass through.
 *
 * The routes are compiled once, into a `TopicRouter`, when `classifyTopic` is called: an invalid filter
 * throws `InvalidTopicError` right there, not at the first message. Each message is then one walk of the
 * trie, however many routes there are.
 *
 * Declared order is the object's key order, in which JavaScript puts integer-like keys (`'1'`) first:
 * give kinds names.
 *
 * ```ts
 * messages$.pipe(
 *   classifyTopic({
 *     rrpc: ['/sys/+pk/+dn/rrpc/request/+messageId', '/ext/rrpc/+messageId/#topic'],
 *     ota: '/ota/device/upgrade/+pk/+dn',
 *     other: '#',
 *   }),
 * ) // Observable<Classified<'rrpc' | 'ota' | 'other' | 'unmatched', InboundMessage>>
 * ```
 */
export function classifyTopic<K extends string, M extends { readonly topic: string }>(
  routes: TopicRoutes<K>,
): OperatorFunction<M, Classified<K | 'unmatched', M>> {
  const router = new TopicRouter<K>();
  for (const kind of Object.keys(routes) as K[]) {
    // Plain JavaScript callers get past the type.
    if (kind === 'unmatched') throw new TypeError("classifyTopic: the kind 'unmatched' is reserved");
    const filters: string | readonly string[] = routes[kind];
    for (const filter of typeof filters === 'string' ? [filters] : filters) router.add(filter, kind);
  }
  return map((message): Classified<K | 'unmatched', M> => {
    const match = router.matchFirst(message.topic);
    return match === undefined
      ? { kind: 'unmatched', params: UNMATCHED_PARAMS, message }
      : { kind: match.value, params: match.params, message };
  });
}
