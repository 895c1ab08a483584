import fc from 'fast-check';
import { InvalidTopicError, validateFilter } from '../../lib/topic';

const named = { namedWildcards: true };

describe('validateFilter', () => {
  it.each([
    '#',
    '+',
    '/',
    'a/#',
    'a/+/b',
    '+/+',
    '/+/#',
    '$SYS/#',
    '/sys/+/+/thing/#',
    'sport/tennis/+',
    '//',
  ])('should accept %j with or without named wildcards', (filter) => {
    expect(validateFilter(filter)).toBeUndefined();
    expect(validateFilter(filter, named)).toBeUndefined();
  });

  // prettier-ignore
  it.each([
    ['',                       /empty/],
    ['sport/tennis#',          /"#" must occupy a whole level \(found "tennis#"\)/],
    ['sport/tennis/#/ranking', /"#" must be the last level/],
    ['#/a',                    /"#" must be the last level/],
    ['sport+',                 /"\+" must occupy a whole level \(found "sport\+"\)/],
    ['a/++',                   /"\+" must occupy a whole level/],
    ['a/+#',                   /"\+" must occupy a whole level/],
    ['a\u0000/#',              /U\+0000/],
    ['/sys/+pk/#',             /"\+" must occupy a whole level \(found "\+pk"; named wildcards are for routes/],
    ['/ext/rrpc/#topic',       /"#" must occupy a whole level \(found "#topic"; named wildcards/],
  ])('should refuse %j as a broker would', (filter, reason) => {
    const error = validateFilter(filter);
    expect(error).toBeInstanceOf(InvalidTopicError);
    expect(error).toMatchObject({ topic: filter, kind: 'filter' });
    expect(error?.reason).toMatch(reason);
    expect(error?.message).toContain(`Invalid MQTT topic filter ${JSON.stringify(filter)}`);
  });

  it.each([
    '/sys/+productKey/+deviceName/rrpc/request/+messageId',
    '/ext/rrpc/+messageId/#topic',
    '#rest',
    '+a/+_b/+c9/#d',
    'a/+/+x/#',
  ])('should accept the named filter %j with namedWildcards', (filter) => {
    expect(validateFilter(filter, named)).toBeUndefined();
  });

  // prettier-ignore
  it.each([
    ['a/#rest/b',    /"#" must be the last level/],
    ['a/+x/+x',      /the wildcard name "x" is used twice/],
    ['a/+x/#x',      /the wildcard name "x" is used twice/],
    ['a/+9x',        /must be an identifier/],
    ['a/+x-y',       /must be an identifier/],
    ['a/+__proto__', /not "__proto__"/],
    ['a/+x+',        /a wildcard name must not contain "\+" or "#"/],
    ['a/#x#',        /a wildcard name must not contain/],
    ['a/x+',         /"\+" must start its level \(found "x\+"\)/],
    ['a/x#y',        /"#" must start its level/],
  ])('should refuse the named filter %j', (filter, reason) => {
    expect(validateFilter(filter, named)?.reason).toMatch(reason);
  });

  it('should agree with a regular-expression reading of §4.7 on random strings', () => {
    // A level is '+', '#' (last only) or free of wildcards; the whole is non-empty and free of U+0000.
    const reference = (filter: string) =>
      filter.length > 0 &&
      !filter.includes('\u0000') &&
      /^([^+#/]*|\+)(\/([^+#/]*|\+))*(\/#)?$|^#$/.test(filter);
    const arb = fc
      .array(fc.constantFrom('a', '/', '+', '#', '\u0000', 'é'), { maxLength: 8 })
      .map((c) => c.join(''));
    fc.assert(
      fc.property(arb, (filter) => {
        expect(validateFilter(filter) === undefined).toBe(reference(filter));
      }),
      { numRuns: 5000 },
    );
  });
});
