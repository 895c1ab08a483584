// A deliberately naive reference for the property tests: a recursive matcher over levels written straight
// from MQTT 3.1.1 §4.7, plus the fast-check arbitraries that feed it. Not a spec file.
import fc from 'fast-check';
import { levelHash } from '../../lib/topic/TopicScan';

const stripName = (level: string): string => (level[0] === '+' || level[0] === '#' ? level[0] : level);

/** The spec, level by level: `#` takes the rest (nothing included), `+` exactly one level, `$` guarded. */
export function referenceMatch(filter: string, topic: string): boolean {
  const f = filter.split('/').map(stripName);
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  const from = (i: number): boolean =>
    i === f.length
      ? i === t.length
      : f[i] === '#' || (i < t.length && (f[i] === '+' || f[i] === t[i]) && from(i + 1));
  return from(0);
}

/** What named wildcards capture, computed the slow way; `undefined` when the filter does not match. */
export function referenceParams(filter: string, topic: string): Record<string, string> | undefined {
  if (!referenceMatch(filter, topic)) return undefined;
  const t = topic.split('/');
  const params: Record<string, string> = {};
  filter.split('/').forEach((level, i) => {
    if (level.length > 1 && level[0] === '+') params[level.slice(1)] = t[i] as string;
    if (level.length > 1 && level[0] === '#') params[level.slice(1)] = t.slice(i).join('/');
  });
  return params;
}

// A small alphabet so that random filters and topics meet often; '' gives empty levels (Alink topics
// start with '/'), '$x' puts a '$' first when it lands in the first level.
const topicLevel = fc.constantFrom('a', 'b', '', 'ab', '$x');

/** Topic names of 1 to 5 levels. */
export const topicArb: fc.Arbitrary<string> = fc
  .array(topicLevel, { minLength: 1, maxLength: 5 })
  .map((levels) => levels.join('/'))
  .filter((topic) => topic.length > 0);

/** Valid MQTT filters of 1 to 5 levels over the same alphabet, `+` anywhere, `#` only last. */
export const filterArb: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '', '+', '+', '$x'), { maxLength: 4 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/'))
  .filter((filter) => filter.length > 0);

/** Valid filters whose wildcards all carry distinct names (`+p0`, `#p3`). */
export const namedFilterArb: fc.Arbitrary<string> = filterArb.map((filter) =>
  filter
    .split('/')
    .map((level, i) => (level === '+' || level === '#' ? `${level}p${i}` : level))
    .join('/'),
);

/** Two different levels with the same hash, found by brute force (a birthday search over 30 bits). */
export function collidingLevels(): [string, string] {
  const byHash = new Map<number, string>();
  for (let i = 0; ; i++) {
    const level = `k${i}`;
    const other = byHash.get(levelHash(level));
    if (other !== undefined) return [other, level];
    byHash.set(levelHash(level), level);
  }
}
