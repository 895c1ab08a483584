import { InvalidTopicError } from './InvalidTopicError';
import { buildParams, EMPTY_PARAMS, type TopicParams } from './buildParams';
import { parseFilter } from './parseFilter';
import { TopicScan } from './TopicScan';
import {
  addEntry,
  isEmpty,
  literalChild,
  newNode,
  refreshMin,
  removeEntry,
  removeLiteralChild,
  walkAll,
  walkFirst,
  type Entry,
  type TrieNode,
} from './trie';

/** A match of `TopicRouter.matchFirst`: the value of a route and what its named wildcards captured. */
export interface TopicMatch<V> {
  readonly value: V;
  readonly params: TopicParams;
}

/** A `matchFirst` answer kept for a topic that is a filter without wildcards. */
interface LiteralAnswer<V> {
  generation: number;
  match: TopicMatch<V> | undefined;
}

const isWildcard = (level: string): boolean => level === '+' || level === '#';

const byOrder = <V>(a: Entry<V>, b: Entry<V>): number => a.order - b.order;

/** The trie depth of a filter's entry: a trailing `#` lives on its parent's node. */
const depthOf = (levels: readonly string[]): number =>
  levels[levels.length - 1] === '#' ? levels.length - 1 : levels.length;

/**
 * A router of MQTT topics: filters (named wildcards `+name` / `#name` allowed) compiled into a trie over
 * levels, so that one match is one walk of the trie, whatever the number of filters. Matching follows
 * MQTT 3.1.1 §4.7, as `matchTopic` does: `+` matches an empty level, `a/#` matches `a`, and a topic
 * starting with `$` never matches a wildcard in the first level. Topics are not validated: they come from
 * a broker.
 *
 * Results come in insertion order of the (filter, value) pairs across all filters, so a caller can let the
 * first declared route win. A value added under two overlapping filters is returned once per filter:
 * deduplicating by value is the caller's business.
 *
 * Matching splits nothing: the walk reads the topic in place, level by level, into reused offsets; a level
 * is hashed only at a node with several children, and strings are cut out only for named wildcards.
 * `matchFirst` answers a topic that is itself a filter without wildcards from a kept answer, without a
 * walk.
 *
 * ```ts
 * const router = new TopicRouter<string>();
 * router.add('/sys/+pk/+dn/rrpc/request/+messageId', 'rrpc');
 * router.add('#', 'other');
 * router.matchFirst('/sys/pk/dn/rrpc/request/1')
 * // { value: 'rrpc', params: { pk: 'pk', dn: 'dn', messageId: '1' } }
 * router.match('/sys/pk/dn/rrpc/request/1') // ['rrpc', 'other']
 * ```
 */
export class TopicRouter<V> {
  private readonly root: TrieNode<V> = newNode();
  private readonly entries = new Map<string, Map<V, Entry<V>>>();
  // Reused by every match. Safe because no caller code runs while it is in use: `forEachMatch` computes all
  // params before the first visit, so a visitor may match again.
  private readonly scan = new TopicScan();
  private nextOrder = 0;
  private count = 0;
  /**
   * The answers of `matchFirst` for topics that are a filter without wildcards, as EMQX keeps its exact
   * routes apart from the trie: such a topic is answered by one lookup instead of a walk. An answer is
   * valid while `generation` has not moved. Adding a route never changes one (a new route comes last, and
   * the filter itself already matches); removing a route bumps `generation`, and answers are redone
   * lazily.
   */
  private readonly literals = new Map<string, LiteralAnswer<V>>();
  private generation = 0;

  /** The number of (filter, value) pairs. */
  get size(): number {
    return this.count;
  }

  /**
   * Adds a route. Idempotent per (filter, value) pair: adding a pair again changes nothing, not even its
   * order. Throws `InvalidTopicError` when the filter is invalid, named wildcards aside.
   */
  add(filter: string, value: V): void {
    let byValue = this.entries.get(filter);
    if (byValue?.has(value)) return;
    const parsed = parseFilter(filter, true);
    if (parsed instanceof InvalidTopicError) throw parsed;
    const { levels, slots } = parsed;
    const depth = depthOf(levels);
    const order = this.nextOrder++;
    let node = this.root;
    node.min = Math.min(node.min, order);
    for (let i = 0; i < depth; i++) {
      const level = levels[i] as string;
      node = level === '+' ? (node.plus ??= newNode()) : (literalChild(node, level, true) as TrieNode<V>);
      node.min = Math.min(node.min, order);
    }
    const named = slots.length > 0;
    const entry: Entry<V> = {
      filter,
      levels,
      value,
      order,
      slots: named ? slots : undefined,
      plain: named ? undefined : Object.freeze({ value, params: EMPTY_PARAMS }),
    };
    addEntry(node, entry, depth < levels.length);
    if (byValue === undefined) this.entries.set(filter, (byValue = new Map()));
    if (!levels.some(isWildcard) && !this.literals.has(filter)) {
      this.literals.set(filter, { generation: -1, match: undefined });
    }
    byValue.set(value, entry);
    this.count++;
  }

  /**
   * Removes a route; `true` if the (filter, value) pair was there. Trie nodes left empty are pruned, so a
   * router whose routes come and go does not grow.
   */
  remove(filter: string, value: V): boolean {
    const byValue = this.entries.get(filter);
    const entry = byValue?.get(value);
    if (byValue === undefined || entry === undefined) return false;
    byValue.delete(value);
    if (byValue.size === 0) {
      this.entries.delete(filter);
      this.literals.delete(filter);
    }
    this.count--;
    this.generation++;

    const { levels } = entry;
    const depth = depthOf(levels);
    const path: TrieNode<V>[] = [this.root];
    for (let i = 0; i < depth; i++) {
      const node = path[i] as TrieNode<V>;
      const level = levels[i] as string;
      path.push((level === '+' ? node.plus : literalChild(node, level, false)) as TrieNode<V>);
    }
    const node = path[depth] as TrieNode<V>;
    removeEntry(node, entry, depth < levels.length);
    // Bottom up: detach nodes left empty, then refresh `min` where the removed entry was the minimum. Where
    // it was not, no ancestor's minimum was it either, so the walk can stop.
    for (let i = depth; i >= 0; i--) {
      const current = path[i] as TrieNode<V>;
      if (i > 0 && isEmpty(current)) {
        const parent = path[i - 1] as TrieNode<V>;
        const level = levels[i - 1] as string;
        if (level === '+') parent.plus = undefined;
        else removeLiteralChild(parent, level);
      } else if (current.min === entry.order) {
        refreshMin(current);
      } else {
        break;
      }
    }
    return true;
  }

  /** The values of every route that matches, each (filter, value) pair once, in insertion order. */
  match(topic: string): V[] {
    return this.matching(topic).map((entry) => entry.value);
  }

  /**
   * Calls `visit` for every route that matches, in insertion order, with what its named wildcards captured
   * (a shared frozen empty object for filters without names). The matches are all found before the first
   * call, so a visitor may add or remove routes, or match again, without changing this round.
   */
  forEachMatch(topic: string, visit: (value: V, params: TopicParams) => void): void {
    const found = this.matching(topic);
    // Cut the params out now, while the scan still describes this topic: a visitor may match again.
    let params: TopicParams[] | undefined;
    for (let i = 0; i < found.length; i++) {
      const slots = (found[i] as Entry<V>).slots;
      if (slots !== undefined) (params ??= [])[i] = buildParams(slots, this.scan);
    }
    for (let i = 0; i < found.length; i++) visit((found[i] as Entry<V>).value, params?.[i] ?? EMPTY_PARAMS);
  }

  /**
   * The route added first among those that match, or `undefined`. Allocates nothing for unnamed filters. The
   * answer is read-only: it may be shared between calls (and is then frozen).
   */
  matchFirst(topic: string): TopicMatch<V> | undefined {
    const literal = this.literals.get(topic);
    if (literal !== undefined && literal.generation === this.generation) return literal.match;
    this.scan.reset(topic);
    const entry = walkFirst(this.root, this.scan, 0, undefined);
    if (entry === undefined) return undefined;
    const match = entry.plain ?? { value: entry.value, params: buildParams(entry.slots ?? [], this.scan) };
    if (literal !== undefined) {
      // Shared by every later call for this topic: frozen, as `plain` is.
      literal.match =
        entry.plain ?? Object.freeze({ value: match.value, params: Object.freeze(match.params) });
      literal.generation = this.generation;
      return literal.match;
    }
    return match;
  }

  private matching(topic: string): Entry<V>[] {
    this.scan.reset(topic);
    const found: Entry<V>[] = [];
    walkAll(this.root, this.scan, 0, found);
    // Each node's lists are in order; entries from several nodes need merging.
    if (found.length > 1) found.sort(byOrder);
    return found;
  }
}
