const SLASH = 47;
const DOLLAR = 36;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/**
 * FNV-1a over the UTF-16 code units of a level, cut to 30 bits so that it stays a small integer (a cheap
 * `Map` key in V8). `TopicScan.hash` computes the same value in place, without cutting the level out.
 */
export function levelHash(level: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < level.length; i++) hash = Math.imul(hash ^ level.charCodeAt(i), FNV_PRIME);
  return hash >>> 2;
}

/**
 * The levels of one topic as offsets in typed arrays that are reused from topic to topic, so a router can
 * walk its trie without splitting the topic or cutting out a string per level. Levels are scanned lazily,
 * one at a time as a walk reaches them: a walk that leaves the trie early does not read the rest of the
 * topic, and a level that a walk recognises by comparing it with a literal (`startsAt`) is not read twice.
 * Level hashes are computed only when asked for, for the trie nodes with many children.
 *
 * Level `i` spans `starts[i]` to `starts[i + 1] - 1` (the `/` that ends it, or one past the end of the
 * topic for the last level). A walk at depth `i` has scanned levels `0 … i - 1`, so `starts[i]` is known.
 */
export class TopicScan {
  topic = '';
  /** The topic starts with `$`: wildcards in the first level must not match it (MQTT 3.1.1 §4.7.2). */
  dollar = false;
  /** How many levels have been scanned. */
  scanned = 0;
  starts = new Int32Array(16);
  private hashes = new Int32Array(16);
  /** `hashes[i]` belongs to this topic when `stamps[i] === topicNumber`: resetting clears nothing. */
  private stamps = new Int32Array(16);
  private topicNumber = 0;

  reset(topic: string): void {
    this.topic = topic;
    this.dollar = topic.charCodeAt(0) === DOLLAR;
    this.scanned = 0;
    if (++this.topicNumber === 0x7fffffff) {
      this.topicNumber = 1;
      this.stamps.fill(0);
    }
  }

  /** Whether the topic has a level `i`; needs levels `0 … i - 1` scanned. */
  exists(i: number): boolean {
    return i === 0 || (this.starts[i] as number) <= this.topic.length;
  }

  /** Scans level `i` if it is the next one; needs levels `0 … i - 1` scanned and level `i` to exist. */
  ensure(i: number): void {
    if (i < this.scanned) return;
    const start = i === 0 ? 0 : (this.starts[i] as number);
    const slash = this.topic.indexOf('/', start);
    this.ended(i, slash < 0 ? this.topic.length : slash);
  }

  /**
   * Whether level `i` is exactly `text`, compared in place; scans the level when it is. Needs levels
   * `0 … i - 1` scanned and level `i` to exist. This is how a walk steps to a literal child: no hashing,
   * and the end of the level comes with the comparison.
   */
  startsAt(i: number, text: string): boolean {
    const topic = this.topic;
    const start = i === 0 ? 0 : (this.starts[i] as number);
    const end = start + text.length;
    if (end !== topic.length && topic.charCodeAt(end) !== SLASH) return false;
    if (!topic.startsWith(text, start)) return false;
    if (i >= this.scanned) this.ended(i, end);
    return true;
  }

  /** The `levelHash` of level `i`, which must have been scanned; computed once per topic. */
  hash(i: number): number {
    if (this.stamps[i] === this.topicNumber) return this.hashes[i] as number;
    const topic = this.topic;
    const end = (this.starts[i + 1] as number) - 1;
    let hash = FNV_OFFSET;
    for (let k = i === 0 ? 0 : (this.starts[i] as number); k < end; k++) {
      hash = Math.imul(hash ^ topic.charCodeAt(k), FNV_PRIME);
    }
    hash >>>= 2;
    this.hashes[i] = hash;
    this.stamps[i] = this.topicNumber;
    return hash;
  }

  /** Scans every level that is left. */
  scanAll(): void {
    for (let i = this.scanned; this.exists(i); i++) this.ensure(i);
  }

  /** Level `i`, which must have been scanned, as a string. */
  level(i: number): string {
    return this.topic.slice(i === 0 ? 0 : this.starts[i], (this.starts[i + 1] as number) - 1);
  }

  /** Levels `i` and after joined by `/`, `''` when there are none; needs levels `0 … i - 1` scanned. */
  rest(i: number): string {
    return this.exists(i) ? this.topic.slice(i === 0 ? 0 : this.starts[i]) : '';
  }

  /** Whether level `i`, which must have been scanned, is exactly `text`, compared in place. */
  levelIs(i: number, text: string): boolean {
    const start = i === 0 ? 0 : (this.starts[i] as number);
    return (this.starts[i + 1] as number) - 1 - start === text.length && this.topic.startsWith(text, start);
  }

  /** Level `i`, the next one to scan, ends at `end` (its `/`, or the end of the topic). */
  private ended(i: number, end: number): void {
    if (i + 2 > this.starts.length) this.grow();
    // For the last level this is `topic.length + 1`, as if a `/` followed: `exists(i + 1)` is then false.
    this.starts[i + 1] = end + 1;
    this.scanned = i + 1;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const grown = (from: Int32Array) => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.starts = grown(this.starts);
    this.hashes = grown(this.hashes);
    this.stamps = grown(this.stamps);
  }
}
