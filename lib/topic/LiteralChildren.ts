import { levelHash, type TopicScan } from './TopicScan';

/**
 * A trie node as far as its literal children are concerned: the fields live on the node itself, not in a
 * container object, so a walk touches as little memory per level as it can (at thousands of routes, the
 * walk's cost is mostly cache misses).
 */
export interface LiteralParent<N extends LiteralParent<N>> {
  /** The literal level that leads to this node from its parent. */
  readonly key: string;
  /** `levelHash(key)`. */
  readonly keyHash: number;
  /** The literal children in insertion order; `undefined` when there are none. */
  children: N[] | undefined;
  /** The only literal child, read without going through `children`; `undefined` unless there is one. */
  only: N | undefined;
  /**
   * With two or more children: an open-addressing table of them by `keyHash` (linear probing, at most
   * half full, removed children marked with `REMOVED` until the next rebuild).
   */
  slots: (N | Removed | undefined)[] | undefined;
  /** Slots that are not `undefined`: children and removal markers. */
  used: number;
}

interface Removed {
  readonly key: string;
  readonly keyHash: number;
}

/** Marks a slot whose child was removed; a level hash is never negative, so no lookup stops at it. */
const REMOVED: Removed = Object.freeze({ key: '', keyHash: -1 });

/** The literal child of `node` for `level`. */
export function childFor<N extends LiteralParent<N>>(node: N, level: string): N | undefined {
  const slots = node.slots;
  if (slots === undefined) return node.children?.find((child) => child.key === level);
  const hash = levelHash(level);
  const mask = slots.length - 1;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const child = slots[slot];
    if (child === undefined) return undefined;
    if (child.keyHash === hash && child.key === level) return child as N;
  }
}

/**
 * The literal child of `node` for level `i` of a scanned topic: the hot path of a walk. One child is
 * compared in place; more are found by the level's hash in a slot or two of a plain array, which is
 * cheaper than a `Map` lookup at every level.
 */
export function scannedChild<N extends LiteralParent<N>>(node: N, scan: TopicScan, i: number): N | undefined {
  const slots = node.slots;
  if (slots === undefined) {
    const only = node.only;
    return only !== undefined && scan.startsAt(i, only.key) ? only : undefined;
  }
  scan.ensure(i);
  const hash = scan.hash(i);
  const mask = slots.length - 1;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const child = slots[slot];
    if (child === undefined) return undefined;
    if (child.keyHash === hash && scan.levelIs(i, child.key)) return child as N;
  }
}

/** Adds a child whose key `node` does not have yet. */
export function addChild<N extends LiteralParent<N>>(node: N, child: N): void {
  const children = (node.children ??= []);
  children.push(child);
  node.only = children.length === 1 ? child : undefined;
  if (node.slots === undefined) {
    if (children.length > 1) rebuild(node, children);
  } else if ((node.used + 1) * 2 > node.slots.length) {
    rebuild(node, children);
  } else {
    place(node.slots, child);
    node.used++;
  }
}

/** Removes a child of `node`. */
export function removeChild<N extends LiteralParent<N>>(node: N, child: N): void {
  const children = node.children;
  const position = children?.indexOf(child) ?? -1;
  if (children === undefined || position < 0) return;
  children.splice(position, 1);
  if (children.length === 0) node.children = undefined;
  node.only = children.length === 1 ? children[0] : undefined;
  const slots = node.slots;
  if (slots === undefined) return;
  if (children.length < 2) {
    node.slots = undefined;
    node.used = 0;
    return;
  }
  const mask = slots.length - 1;
  let slot = child.keyHash & mask;
  while (slots[slot] !== child) slot = (slot + 1) & mask;
  slots[slot] = REMOVED;
  // Shrink once the table is four times larger than a rebuild would make it.
  if (children.length * 16 < slots.length) rebuild(node, children);
}

function rebuild<N extends LiteralParent<N>>(node: N, children: readonly N[]): void {
  let size = 4;
  while (size < children.length * 4) size *= 2;
  const slots = new Array<N | Removed | undefined>(size).fill(undefined);
  for (const child of children) place(slots, child);
  node.slots = slots;
  node.used = children.length;
}

function place<N>(slots: (N | Removed | undefined)[], child: N & Removed): void {
  const mask = slots.length - 1;
  let slot = child.keyHash & mask;
  while (slots[slot] !== undefined) slot = (slot + 1) & mask;
  slots[slot] = child;
}
