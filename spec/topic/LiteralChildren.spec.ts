import fc from 'fast-check';
import { addChild, childFor, removeChild, scannedChild } from '../../lib/topic/LiteralChildren';
import { TopicScan } from '../../lib/topic/TopicScan';
import { newNode, type TrieNode } from '../../lib/topic/trie';
import { collidingLevels } from './reference';

/** The child of `parent` that a walk finds for the second level of `/${level}`. */
function walkTo(parent: TrieNode<string>, level: string): TrieNode<string> | undefined {
  const scan = new TopicScan();
  scan.reset(`/${level}`);
  scan.ensure(0);
  return scannedChild(parent, scan, 1);
}

describe('LiteralChildren', () => {
  it('should find one child without a table, and several through one', () => {
    const parent = newNode<string>();
    const a = newNode<string>('a');
    addChild(parent, a);
    expect(parent.only).toBe(a);
    expect(parent.slots).toBeUndefined();
    expect(walkTo(parent, 'a')).toBe(a);
    expect(walkTo(parent, 'ab')).toBeUndefined();
    const b = newNode<string>('b');
    addChild(parent, b);
    expect(parent.only).toBeUndefined();
    expect(parent.slots).toBeDefined();
    expect([walkTo(parent, 'a'), walkTo(parent, 'b'), walkTo(parent, 'c')]).toEqual([a, b, undefined]);
    removeChild(parent, a);
    expect(parent.only).toBe(b);
    expect(parent.slots).toBeUndefined();
    removeChild(parent, b);
    expect(parent.children).toBeUndefined();
    expect(walkTo(parent, 'b')).toBeUndefined();
  });

  it('should tell apart children whose levels have the same hash', () => {
    const [one, two] = collidingLevels();
    const parent = newNode<string>();
    const [first, second] = [newNode<string>(one), newNode<string>(two)];
    addChild(parent, first);
    addChild(parent, second);
    expect([walkTo(parent, one), walkTo(parent, two)]).toEqual([first, second]);
    expect([childFor(parent, one), childFor(parent, two)]).toEqual([first, second]);
    // Removing the first of the probe sequence must not cut the second off.
    addChild(parent, newNode<string>('z'));
    removeChild(parent, first);
    expect(walkTo(parent, two)).toBe(second);
    expect(walkTo(parent, one)).toBeUndefined();
  });

  it('should agree with a Map through any sequence of adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 })), { maxLength: 400 }),
        (operations) => {
          const parent = newNode<string>();
          const expected = new Map<string, TrieNode<string>>();
          for (const [add, n] of operations) {
            const level = `l${n}`;
            const present = expected.get(level);
            if (add && present === undefined) {
              const child = newNode<string>(level);
              addChild(parent, child);
              expected.set(level, child);
            } else if (!add && present !== undefined) {
              removeChild(parent, present);
              expected.delete(level);
            }
          }
          expect(parent.children ?? []).toEqual([...expected.values()]);
          expect(parent.only).toBe(expected.size === 1 ? [...expected.values()][0] : undefined);
          for (let n = 0; n <= 60; n++) {
            expect(childFor(parent, `l${n}`)).toBe(expected.get(`l${n}`));
            expect(walkTo(parent, `l${n}`)).toBe(expected.get(`l${n}`));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should keep lookups working after many removals leave markers behind', () => {
    const parent = newNode<string>();
    const children = Array.from({ length: 2000 }, (_, i) => newNode<string>(`dev_${i}`));
    children.forEach((child) => addChild(parent, child));
    children.filter((_, i) => i % 3 !== 0).forEach((child) => removeChild(parent, child));
    children.forEach((child, i) => expect(walkTo(parent, child.key)).toBe(i % 3 === 0 ? child : undefined));
    // The table takes new children again, reusing the room the removed ones left.
    const again = newNode<string>('dev_1');
    addChild(parent, again);
    expect(walkTo(parent, 'dev_1')).toBe(again);
    expect(parent.children?.length).toBe(668);
  });

  it('should shrink its table when most children are gone', () => {
    const parent = newNode<string>();
    const children = Array.from({ length: 2000 }, (_, i) => newNode<string>(`dev_${i}`));
    children.forEach((child) => addChild(parent, child));
    const big = parent.slots?.length ?? 0;
    children.slice(10).forEach((child) => removeChild(parent, child));
    expect(parent.slots?.length).toBeLessThanOrEqual(10 * 16);
    expect(big).toBeGreaterThanOrEqual(8000);
    children.forEach((child, i) => expect(walkTo(parent, child.key)).toBe(i < 10 ? child : undefined));
  });
});
