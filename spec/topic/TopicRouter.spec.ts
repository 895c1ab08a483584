import fc from 'fast-check';
import { InvalidTopicError, TopicRouter } from '../../lib/topic';
import { levelHash } from '../../lib/topic/TopicScan';
import { newNode } from '../../lib/topic/trie';
import {
  collidingLevels,
  filterArb,
  namedFilterArb,
  referenceMatch,
  referenceParams,
  topicArb,
} from './reference';

/** Every (value, params) that forEachMatch visits. */
function visits<V>(router: TopicRouter<V>, topic: string): [V, Readonly<Record<string, string>>][] {
  const seen: [V, Readonly<Record<string, string>>][] = [];
  router.forEachMatch(topic, (value, params) => seen.push([value, params]));
  return seen;
}

describe('TopicRouter', () => {
  it('should route Alink topics with named wildcards, first added first', () => {
    const router = new TopicRouter<string>();
    router.add('/sys/+productKey/+deviceName/rrpc/request/+messageId', 'rrpc');
    router.add('/ext/rrpc/+messageId/#topic', 'rrpc');
    router.add('/ota/device/upgrade/+pk/+dn', 'ota');
    router.add('#', 'other');
    expect(router.matchFirst('/sys/pk/dn/rrpc/request/123')).toEqual({
      value: 'rrpc',
      params: { productKey: 'pk', deviceName: 'dn', messageId: '123' },
    });
    expect(router.matchFirst('/ext/rrpc/9/a/b')).toEqual({
      value: 'rrpc',
      params: { messageId: '9', topic: 'a/b' },
    });
    expect(router.match('/ota/device/upgrade/pk/dn')).toEqual(['ota', 'other']);
    expect(router.matchFirst('/broadcast/pk/x')).toEqual({ value: 'other', params: {} });
    expect(router.matchFirst('$SYS/x')).toBeUndefined();
    expect(router.size).toBe(4);
  });

  it('should give results in insertion order across filters, not in trie order', () => {
    const router = new TopicRouter<number>();
    router.add('#', 0);
    router.add('a/b', 1);
    router.add('a/+', 2);
    router.add('+/b', 3);
    router.add('a/#', 4);
    expect(router.match('a/b')).toEqual([0, 1, 2, 3, 4]);
    expect(router.matchFirst('a/b')?.value).toBe(0);
    expect(router.remove('#', 0)).toBe(true);
    expect(router.matchFirst('a/b')?.value).toBe(1);
    router.add('#', 0);
    expect(router.match('a/b')).toEqual([1, 2, 3, 4, 0]);
  });

  it('should keep the names per route where routes share a node', () => {
    const router = new TopicRouter<string>();
    router.add('/a/+x', 'x');
    router.add('/a/+y', 'y');
    router.add('/a/+', 'plain');
    expect(visits(router, '/a/1')).toEqual([
      ['x', { x: '1' }],
      ['y', { y: '1' }],
      ['plain', {}],
    ]);
    expect(router.remove('/a/+x', 'x')).toBe(true);
    expect(router.matchFirst('/a/2')).toEqual({ value: 'y', params: { y: '2' } });
  });

  it('should be idempotent per (filter, value) pair and keep the first order', () => {
    const router = new TopicRouter<string>();
    router.add('a/+', 'first');
    router.add('a/#', 'second');
    router.add('a/+', 'first');
    expect(router.size).toBe(2);
    expect(router.match('a/b')).toEqual(['first', 'second']);
    router.add('a/+', 'other value');
    expect(router.size).toBe(3);
    expect(router.remove('a/+', 'first')).toBe(true);
    expect(router.remove('a/+', 'first')).toBe(false);
    expect(router.remove('never/added', 'first')).toBe(false);
    expect(router.remove('invalid/#/filter', 'first')).toBe(false);
    expect(router.size).toBe(2);
  });

  it('should return a value once per filter it was added under', () => {
    const router = new TopicRouter<string>();
    router.add('a/+', 'observer');
    router.add('a/#', 'observer');
    expect(router.match('a/b')).toEqual(['observer', 'observer']);
  });

  it('should hand out the shared frozen empty params for unnamed filters, without allocating', () => {
    const router = new TopicRouter<string>();
    router.add('a/+', 'v');
    const [[, params] = []] = visits(router, 'a/b');
    expect(Object.isFrozen(params)).toBe(true);
    expect(router.matchFirst('a/b')).toBe(router.matchFirst('a/c'));
  });

  it('should throw InvalidTopicError for an invalid filter and stay unchanged', () => {
    const router = new TopicRouter<string>();
    expect(() => router.add('a/#/b', 'v')).toThrow(InvalidTopicError);
    expect(() => router.add('a/+x/+x', 'v')).toThrow(/used twice/);
    expect(router.size).toBe(0);
    expect(router.match('a/x/b')).toEqual([]);
  });

  it('should compute all params before the first visit, so a visitor may use the router', () => {
    const router = new TopicRouter<string>();
    router.add('+a/+b', 'one');
    router.add('+c/#d', 'two');
    const seen: unknown[] = [];
    router.forEachMatch('x/y', (value, params) => {
      seen.push([value, params]);
      router.matchFirst('other/topic/deeper');
      router.add('x/y', 'added while visiting');
    });
    expect(seen).toEqual([
      ['one', { a: 'x', b: 'y' }],
      ['two', { c: 'x', d: 'y' }],
    ]);
    expect(router.match('x/y')).toEqual(['one', 'two', 'added while visiting']);
  });

  it('should tell apart levels whose hashes collide', () => {
    const [one, two] = collidingLevels();
    expect(levelHash(one)).toBe(levelHash(two));
    const router = new TopicRouter<string>();
    router.add(`/${one}/x`, 'one');
    router.add(`/${two}/x`, 'two');
    expect(router.match(`/${one}/x`)).toEqual(['one']);
    expect(router.match(`/${two}/x`)).toEqual(['two']);
    expect(router.remove(`/${one}/x`, 'one')).toBe(true);
    expect(router.match(`/${one}/x`)).toEqual([]);
    expect(router.match(`/${two}/x`)).toEqual(['two']);
    router.add(`/${one}/x`, 'one again');
    expect(router.remove(`/${two}/x`, 'two')).toBe(true);
    expect(router.match(`/${one}/x`)).toEqual(['one again']);
  });

  describe('topics that are a filter without wildcards', () => {
    it('should answer them like any other topic, the first declared route winning', () => {
      const router = new TopicRouter<string>();
      router.add('/sys/+pk/+dn/thing/service/property/set', 'named');
      router.add('/sys/pk/dn/thing/service/property/set', 'exact');
      router.add('#', 'other');
      const topic = '/sys/pk/dn/thing/service/property/set';
      const first = router.matchFirst(topic);
      expect(first).toEqual({ value: 'named', params: { pk: 'pk', dn: 'dn' } });
      // The answer is kept and shared: frozen, so that no caller can change what the next one gets.
      expect(router.matchFirst(topic)).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first?.params)).toBe(true);
      expect(router.matchFirst('/sys/pk/dn/thing/service/property/get')?.value).toBe('other');
    });

    it('should never keep an answer that a removal made stale', () => {
      const router = new TopicRouter<string>();
      router.add('a/+', 'wild');
      router.add('a/b', 'exact');
      expect(router.matchFirst('a/b')?.value).toBe('wild');
      router.add('+/b', 'later');
      expect(router.matchFirst('a/b')?.value).toBe('wild');
      router.remove('a/+', 'wild');
      expect(router.matchFirst('a/b')?.value).toBe('exact');
      router.remove('a/b', 'exact');
      expect(router.matchFirst('a/b')?.value).toBe('later');
      router.add('a/b', 'back');
      router.remove('+/b', 'later');
      expect(router.matchFirst('a/b')?.value).toBe('back');
    });

    it('should keep "$" topics out of first-level wildcards', () => {
      const router = new TopicRouter<string>();
      router.add('#', 'all');
      router.add('$SYS/x', 'sys');
      expect(router.matchFirst('$SYS/x')?.value).toBe('sys');
      expect(router.matchFirst('$SYS/x')?.value).toBe('sys');
    });
  });

  it('should prune every node once all routes are removed', () => {
    const router = new TopicRouter<number>();
    const filters = ['/sys/+/+/thing/#', '/sys/pk/dn/a', '/sys/pk/dn/a/b', '#', '+/x', '/ext/rrpc/+id/#rest'];
    filters.forEach((filter, i) => router.add(filter, i));
    filters.forEach((filter, i) => expect(router.remove(filter, i)).toBe(true));
    expect(router.size).toBe(0);
    expect(router['root']).toEqual(newNode());
  });

  it('should match what a naive reference says, for many random filters, before and after removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(filterArb, namedFilterArb), { maxLength: 60 }),
        fc.array(topicArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (filters, topics, removed) => {
          const router = new TopicRouter<number>();
          // Values are indexes of first appearance, so a repeated filter is a repeated pair: added again, kept once.
          const pairs = filters.map((filter) => [filter, filters.indexOf(filter)] as const);
          for (const [filter, value] of pairs) router.add(filter, value);
          let live = pairs.filter(([, value], i) => value === i);
          // Topics that are also filters without wildcards take the router's shortcut for them.
          const literalTopics = filters.filter((filter) => !/[+#]/.test(filter));
          const check = () => {
            expect(router.size).toBe(live.length);
            for (const topic of [...topics, ...literalTopics]) {
              const expected = live.filter(([filter]) => referenceMatch(filter, topic));
              expect(router.match(topic)).toEqual(expected.map(([, value]) => value));
              expect(router.matchFirst(topic)?.value).toEqual(expected[0]?.[1]);
              expect(visits(router, topic)).toEqual(
                expected.map(([filter, value]) => [value, referenceParams(filter, topic)]),
              );
            }
          };
          check();
          for (const [filter, value] of live.filter((_, i) => removed[i])) {
            expect(router.remove(filter, value)).toBe(true);
          }
          const gone = live.filter((_, i) => removed[i]);
          live = live.filter((_, i) => !removed[i]);
          check();
          // Added again, they come last now: kept answers must still hold, and new matches must show.
          for (const [filter, value] of gone) router.add(filter, value);
          live = [...live, ...gone];
          check();
        },
      ),
      { numRuns: 300 },
    );
  });
});
