import { asapScheduler, Subject } from 'rxjs';
import { TopicRouter, validateTopic, type TopicParams } from '../topic';
import type { SysBus, SysBusFailure, SysBusHandler, SysBusOptions } from './SysBus';

/** One (filter, handler) subscription; `active` turns false when it is unsubscribed. */
interface Route<T> {
  readonly filter: string;
  readonly handler: SysBusHandler<T>;
  active: boolean;
}

type Match<T> = readonly [route: Route<T>, params: TopicParams];

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Creates a {@link SysBus}: QuecPython's `sys_bus` on the project's trie router, so a publish is one walk
 * of the trie whatever the number of filters, and filters may have (named) wildcards.
 *
 * The handlers of a publish are those subscribed when it is called: one that subscribes during the
 * dispatch gets the next message, not this one. A handler unsubscribed before its turn is not called, so
 * after `unsubscribe` returns the handler is never called again, not even by a `publish` already made.
 *
 * ```ts
 * const bus = createSysBus<{ topic: string; msg: string }>();
 * bus.subscribe('rrpc/+messageId', (topic, msg, { messageId }) => reply(messageId, msg));
 * bus.failures$.subscribe((failure) => console.error(failure.filter, failure.error));
 * bus.publish('rrpc/42', { topic, msg }); // the handler runs on the asap scheduler
 * await bus.publishSync('pub', { topic: '/broadcast/pk/123', msg: 'hello world' });
 * ```
 */
export function createSysBus<T = unknown>(options: SysBusOptions = {}): SysBus<T> {
  const { scheduler = asapScheduler } = options;
  const router = new TopicRouter<Route<T>>();
  // Filter → handler → route, both in subscription order: what `subTable` shows and `unsubscribe` finds.
  const table = new Map<string, Map<SysBusHandler<T>, Route<T>>>();
  const failures = new Subject<SysBusFailure<T>>();

  function drop(route: Route<T>): void {
    route.active = false;
    router.remove(route.filter, route);
    const routes = table.get(route.filter);
    routes?.delete(route.handler);
    if (routes?.size === 0) table.delete(route.filter);
  }

  // The matches are collected before any handler runs, so a handler may (un)subscribe freely.
  function matches(topic: string): Match<T>[] {
    const invalid = validateTopic(topic);
    if (invalid !== undefined) throw invalid;
    const found: Match<T>[] = [];
    router.forEachMatch(topic, (route, params) => found.push([route, params]));
    return found;
  }

  // Never throws: a scheduler's flush stops at the first action that throws, which would starve the rest.
  function runIsolated([route, params]: Match<T>, topic: string, message: T): void {
    if (!route.active) return;
    const fail = (error: unknown): void =>
      failures.next({ _tag: 'SysBusFailure', topic, filter: route.filter, message, error });
    try {
      const result = route.handler(topic, message, params);
      if (isPromiseLike(result)) result.then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  }

  async function runInOrder(found: readonly Match<T>[], topic: string, message: T): Promise<void> {
    for (const [route, params] of found) {
      if (!route.active) continue;
      const result = route.handler(topic, message, params);
      // Only a promise is awaited, so that synchronous handlers all run before `publishSync` returns.
      if (isPromiseLike(result)) await result;
    }
  }

  function subTable(): ReadonlyMap<string, readonly SysBusHandler<T>[]>;
  function subTable(filter: string): readonly SysBusHandler<T>[];
  function subTable(
    filter?: string,
  ): ReadonlyMap<string, readonly SysBusHandler<T>[]> | readonly SysBusHandler<T>[] {
    if (filter !== undefined) return [...(table.get(filter)?.keys() ?? [])];
    return new Map([...table].map(([key, routes]) => [key, [...routes.keys()]]));
  }

  return {
    subscribe(filter, handler) {
      // Plain JavaScript callers get past the type; better now than at every publish.
      if (typeof handler !== 'function')
        throw new TypeError('SysBus.subscribe: the handler must be a function');
      let routes = table.get(filter);
      if (routes?.has(handler)) return;
      const route: Route<T> = { filter, handler, active: true };
      router.add(filter, route); // throws InvalidTopicError before anything is recorded
      if (routes === undefined) table.set(filter, (routes = new Map()));
      routes.set(handler, route);
    },
    publish(topic, message) {
      for (const match of matches(topic)) scheduler.schedule(() => runIsolated(match, topic, message));
    },
    publishSync(topic, message) {
      return runInOrder(matches(topic), topic, message);
    },
    unsubscribe(filter, handler) {
      const routes = [...(table.get(filter)?.values() ?? [])];
      const removed = routes.filter((route) => handler === undefined || route.handler === handler);
      removed.forEach(drop);
      return removed.length > 0;
    },
    subTable,
    failures$: failures.asObservable(),
  };
}
