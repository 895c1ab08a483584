import type { TopicParams } from './buildParams';
import type { ParamSlot } from './parseFilter';
import { addChild, childFor, removeChild, scannedChild, type LiteralParent } from './LiteralChildren';
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
export interface TrieNode<V> extends LiteralParent<TrieNode<V>> {
  /**
   * The lowest order of any entry in this subtree: `walkFirst` skips subtrees that cannot win. It only
   * needs a lower bound, so a stale value would cost speed, not correctness.
   */
  min: number;
  plus: TrieNode<V> | undefined;
  /** Filters that end here: `a/b` lives on the node reached by `a`, `b`. */
  exact: Entry<V>[] | undefined;
  /** `exact[0]`, the entry a first-match walk wants, read without going through the list. */
  exactHead: Entry<V> | undefined;
  /** Filters whose `#` comes right below: `a/#` lives on the node of `a`, since `#` also matches `a`. */
  hash: Entry<V>[] | undefined;
  /** `hash[0]`. */
  hashHead: Entry<V> | undefined;
}

// Every node gets all its fields up front, so the walk sees one object shape.
export function newNode<V>(key = ''): TrieNode<V> {
  return {
    min: Infinity,
    key,
    keyHash: levelHash(key),
    children: undefined,
    only: undefined,
    slots: undefined,
    used: 0,
    plus: undefined,
    exact: undefined,
    exactHead: undefined,
    hash: undefined,
    hashHead: undefined,
  };
}

export function isEmpty<V>(node: TrieNode<V>): boolean {
  return (
    node.children === undefined &&
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
  for (const child of node.children ?? []) min = Math.min(min, child.min);
  node.min = min;
}

/** The literal child for `level`, created when `create` is set. */
export function literalChild<V>(node: TrieNode<V>, level: string, create: boolean): TrieNode<V> | undefined {
  const found = childFor(node, level);
  if (found !== undefined || !create) return found;
  const created = newNode<V>(level);
  addChild(node, created);
  return created;
}

/** Detaches the literal child for `level`, if there is one. */
export function removeLiteralChild<V>(node: TrieNode<V>, level: string): void {
  const child = childFor(node, level);
  if (child !== undefined) removeChild(node, child);
}

function earlier<V>(best: Entry<V> | undefined, head: Entry<V> | undefined): Entry<V> | undefined {
  return head !== undefined && (best === undefined || head.order < best.order) ? head : best;
}

/** Adds an entry at its node: to `exact`, or to `hash` when its filter ends in `#` right below. */
export function addEntry<V>(node: TrieNode<V>, entry: Entry<V>, hash: boolean): void {
  const list = hash ? (node.hash ??= []) : (node.exact ??= []);
  list.push(entry);
  if (hash) node.hashHead = list[0];
  else node.exactHead = list[0];
}

/** Removes an entry that `addEntry` put at this node. */
export function removeEntry<V>(node: TrieNode<V>, entry: Entry<V>, hash: boolean): void {
  const list = (hash ? node.hash : node.exact) as Entry<V>[];
  list.splice(list.indexOf(entry), 1);
  const head = list[0];
  if (hash) {
    node.hash = head === undefined ? undefined : list;
    node.hashHead = head;
  } else {
    node.exact = head === undefined ? undefined : list;
    node.exactHead = head;
  }
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
  // A loop rather than a recursion wherever a node has one way on: only a node with both a matching literal
  // child and a `+` child recurses, for the literal side.
  for (; ; i++) {
    if (best !== undefined && node.min > best.order) return best;
    const wild = i !== 0 || !scan.dollar;
    if (wild) best = earlier(best, node.hashHead);
    if (!scan.exists(i)) return earlier(best, node.exactHead);
    const child = scannedChild(node, scan, i);
    const plus = wild ? node.plus : undefined;
    if (plus === undefined) {
      if (child === undefined) return best;
      node = child;
      continue;
    }
    if (child !== undefined) best = walkFirst(child, scan, i + 1, best);
    scan.ensure(i);
    node = plus;
  }
}

/** Every matching entry below `node`, pushed to `out` list by list (sorting by order is the caller's). */
export function walkAll<V>(node: TrieNode<V>, scan: TopicScan, i: number, out: Entry<V>[]): void {
  const wild = i !== 0 || !scan.dollar;
  if (wild && node.hash !== undefined) for (const entry of node.hash) out.push(entry);
  if (!scan.exists(i)) {
    if (node.exact !== undefined) for (const entry of node.exact) out.push(entry);
    return;
  }
  const child = scannedChild(node, scan, i);
  if (child !== undefined) walkAll(child, scan, i + 1, out);
  if (wild && node.plus !== undefined) {
    scan.ensure(i);
    walkAll(node.plus, scan, i + 1, out);
  }
}
