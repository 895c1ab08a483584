import type { TopicParams } from './buildParams';
import type { ParamSlot } from './parseFilter';
import { levelHash, type TopicScan } from './TopicScan';

/** One (filter, value) pair of a `TopicRouter`. */
export interface Entry<V> {
  readonly filter: string;
  readonly levels: readonly string[];
  readonly value: V;
  /** Insertion order across the whole router: "the first declared route wins" compares these. */
  readonly order: number;
  /** Per entry, not per node: `/a/+x` and `/a/+y` share a node but not their names. */
  readonly slots: readonly ParamSlot[] | undefined;
  /** The answer of `matchFirst` for a filter without names, made once so that matching allocates nothing. */
  readonly plain: { readonly value: V; readonly params: TopicParams } | undefined;
}

/** The filters whose levels so far lead to this node. Lists are kept in insertion order and never empty. */
export interface TrieNode<V> {
  /**
   * The lowest order of any entry in this subtree: `walkFirst` skips subtrees that cannot win. It only
   * needs a lower bound, so a stale value would cost speed, not correctness.
   */
  min: number;
  /** Literal children by the hash of their level (`levelHash`); levels whose hashes collide are chained. */
  literal: Map<number, TrieNode<V>> | undefined;
  /** The literal level that leads here from the parent (`''` under `+` and for the root). */
  readonly key: string;
  /** The next literal child of the parent whose level has the same hash. */
  collision: TrieNode<V> | undefined;
  plus: TrieNode<V> | undefined;
  /** Filters that end here: `a/b` lives on the node reached by `a`, `b`. */
  exact: Entry<V>[] | undefined;
  /** Filters whose `#` comes right below: `a/#` lives on the node of `a`, since `#` also matches `a`. */
  hash: Entry<V>[] | undefined;
}

// Every node gets all its fields up front, so the walk sees one object shape.
export function newNode<V>(key = '', collision?: TrieNode<V>): TrieNode<V> {
  return {
    min: Infinity,
    literal: undefined,
    key,
    collision,
    plus: undefined,
    exact: undefined,
    hash: undefined,
  };
}

export function isEmpty<V>(node: TrieNode<V>): boolean {
  return (
    node.literal === undefined &&
    node.plus === undefined &&
    node.exact === undefined &&
    node.hash === undefined
  );
}

/** Recomputes `node.min` from its own lists and its children, after an entry below it was removed. */
export function refreshMin<V>(node: TrieNode<V>): void {
  let min = Math.min(
    node.exact?.[0]?.order ?? Infinity,
    node.hash?.[0]?.order ?? Infinity,
    node.plus?.min ?? Infinity,
  );
  for (const head of node.literal?.values() ?? []) {
    for (let child: TrieNode<V> | undefined = head; child !== undefined; child = child.collision) {
      min = Math.min(min, child.min);
    }
  }
  node.min = min;
}

/** The literal child for `level`, created when `create` is set. */
export function literalChild<V>(node: TrieNode<V>, level: string, create: boolean): TrieNode<V> | undefined {
  const hash = levelHash(level);
  const head = node.literal?.get(hash);
  for (let child = head; child !== undefined; child = child.collision) if (child.key === level) return child;
  if (!create) return undefined;
  const created = newNode(level, head);
  (node.literal ??= new Map()).set(hash, created);
  return created;
}

/** Detaches the literal child for `level`, if there is one. */
export function removeLiteralChild<V>(node: TrieNode<V>, level: string): void {
  const hash = levelHash(level);
  let previous: TrieNode<V> | undefined;
  for (let child = node.literal?.get(hash); child !== undefined; previous = child, child = child.collision) {
    if (child.key !== level) continue;
    if (previous !== undefined) previous.collision = child.collision;
    else if (child.collision !== undefined) node.literal?.set(hash, child.collision);
    else node.literal?.delete(hash);
    if (node.literal?.size === 0) node.literal = undefined;
    return;
  }
}

// The hot path: the level is compared in place in the topic, nothing is cut out.
function scannedChild<V>(node: TrieNode<V>, scan: TopicScan, i: number): TrieNode<V> | undefined {
  scan.ensure(i);
  for (
    let child = node.literal?.get(scan.hashes[i] as number);
    child !== undefined;
    child = child.collision
  ) {
    if (scan.levelIs(i, child.key)) return child;
  }
  return undefined;
}

function earlier<V>(best: Entry<V> | undefined, list: Entry<V>[] | undefined): Entry<V> | undefined {
  const head = list?.[0];
  return head !== undefined && (best === undefined || head.order < best.order) ? head : best;
}

/**
 * The matching entry of lowest order below `node`, which is reached by the first `i` levels. `+` and `#`
 * are skipped at the first level of a `$` topic (MQTT 3.1.1 §4.7.2).
 */
export function walkFirst<V>(
  node: TrieNode<V>,
  scan: TopicScan,
  i: number,
  best: Entry<V> | undefined,
): Entry<V> | undefined {
  if (best !== undefined && node.min > best.order) return best;
  const wild = i !== 0 || !scan.dollar;
  if (wild) best = earlier(best, node.hash);
  if (!scan.exists(i)) return earlier(best, node.exact);
  const child = node.literal === undefined ? undefined : scannedChild(node, scan, i);
  if (child !== undefined) best = walkFirst(child, scan, i + 1, best);
  if (wild && node.plus !== undefined) {
    scan.ensure(i);
    best = walkFirst(node.plus, scan, i + 1, best);
  }
  return best;
}

/** Every matching entry below `node`, pushed to `out` list by list (sorting by order is the caller's). */
export function walkAll<V>(node: TrieNode<V>, scan: TopicScan, i: number, out: Entry<V>[]): void {
  const wild = i !== 0 || !scan.dollar;
  if (wild && node.hash !== undefined) for (const entry of node.hash) out.push(entry);
  if (!scan.exists(i)) {
    if (node.exact !== undefined) for (const entry of node.exact) out.push(entry);
    return;
  }
  const child = node.literal === undefined ? undefined : scannedChild(node, scan, i);
  if (child !== undefined) walkAll(child, scan, i + 1, out);
  if (wild && node.plus !== undefined) {
    scan.ensure(i);
    walkAll(node.plus, scan, i + 1, out);
  }
}
