import fc from 'fast-check';
import mqttMatch from 'mqtt-match';
import * as mqttPattern from 'mqtt-pattern';
import { Qlobber } from 'qlobber';
import { InvalidTopicError, matchTopic } from '../../lib/topic';
import { filterArb, referenceMatch, topicArb } from './reference';

type Spec = boolean | 'refused';

// [filter, topic, what MQTT 3.1.1 §4.7 says]. Most rows are the spec's own examples (§4.7.1.2, §4.7.1.3,
// §4.7.2); the rest are the Alink shapes this library lives on (topics that start with '/').
// prettier-ignore
const cases: readonly (readonly [string, string, Spec])[] = [
  ['sport/tennis/player1/#',  'sport/tennis/player1',                true],
  ['sport/#',                 'sport',                               true],
  ['a/#',                     'a',                                   true],
  ['sport/tennis/+',          'sport/tennis/player1/ranking',        false],
  ['sport/+',                 'sport',                               false],
  ['sport/+',                 'sport/',                              true],
  ['a/+/b',                   'a//b',                                true],
  ['+/+',                     '/finance',                            true],
  ['/+',                      '/finance',                            true],
  ['+',                       '/finance',                            false],
  ['/+',                      '/',                                   true],
  ['+/+',                     '/',                                   true],
  ['+/+/+',                   '//',                                  true],
  ['/+/dn',                   '//dn',                                true],
  ['#',                       '/',                                   true],
  ['a/b',                     'a/b/',                                false],
  ['/sys/+/+/rrpc/request/+', '/sys/pk/dn/rrpc/request/1',           true],
  ['#',                       '$SYS',                                false],
  ['#',                       '$SYS/x',                              false],
  ['+',                       '$',                                   false],
  ['+/monitor/Clients',       '$SYS/monitor/Clients',                false],
  ['$SYS/#',                  '$SYS/monitor/Clients',                true],
  ['$SYS/monitor/+',          '$SYS/monitor/Clients',                true],
  ['sport/tennis#',           'sport/tennis#',                       'refused'],
  ['sport/tennis/#/ranking',  'sport/tennis/x/ranking',              'refused'],
  ['sport+',                  'sport+',                              'refused'],
];

// ngx-mqtt is left out: it is an Angular ESM package that jest cannot load.
const QLOBBER_MQTT = { separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true };
const libraries: Record<string, (filter: string, topic: string) => boolean> = {
  'mqtt-match': (filter, topic) => mqttMatch(filter, topic),
  'mqtt-pattern': (filter, topic) => mqttPattern.matches(filter, topic),
  // qlobber's most MQTT-like setting: aedes' options plus match_empty_levels, so that '+' matches ''.
  qlobber: (filter, topic) => new Qlobber<boolean>(QLOBBER_MQTT).add(filter, true).match(topic).length > 0,
};

// What each library answers where it departs from the spec, as observed (mqtt-match 3.0.0, mqtt-pattern
// 2.1.1, qlobber 8.0.1). None of them knows the '$' rule (aedes implements it outside qlobber) and none
// refuses an invalid filter; mqtt-pattern does not let '+' match an empty level. If a library changes,
// its row fails and this table is updated: it documents reality, it does not wish.
const refusedAsMatch = { 'sport/tennis#': true, 'sport+': true };
const dollarAsMatch = {
  '#|$SYS': true,
  '#|$SYS/x': true,
  '+|$': true,
  '+/monitor/Clients|$SYS/monitor/Clients': true,
};
const departures: Record<string, Readonly<Record<string, boolean>>> = {
  'mqtt-match': {
    ...dollarAsMatch,
    ...withTopic(refusedAsMatch),
    'sport/tennis/#/ranking|sport/tennis/x/ranking': true,
  },
  'mqtt-pattern': {
    ...dollarAsMatch,
    ...withTopic(refusedAsMatch),
    'sport/tennis/#/ranking|sport/tennis/x/ranking': false,
    'sport/+|sport/': false,
    'a/+/b|a//b': false,
    '+/+|/finance': false,
    '/+|/': false,
    '+/+|/': false,
    '+/+/+|//': false,
    '/+/dn|//dn': false,
  },
  qlobber: {
    ...dollarAsMatch,
    ...withTopic(refusedAsMatch),
    'sport/tennis/#/ranking|sport/tennis/x/ranking': true,
  },
};

function withTopic(byFilter: Record<string, boolean>): Record<string, boolean> {
  return Object.fromEntries(
    Object.entries(byFilter).map(([filter, answer]) => [`${filter}|${filter}`, answer]),
  );
}

describe('matchTopic', () => {
  it.each(cases)('should follow the spec for %j against %j (%j)', (filter, topic, spec) => {
    if (spec === 'refused') expect(() => matchTopic(filter, topic)).toThrow(InvalidTopicError);
    else expect(matchTopic(filter, topic)).toBe(spec);
  });

  const rows = Object.keys(libraries).flatMap((name) =>
    cases.map(([f, t, spec]) => [name, f, t, spec] as const),
  );
  it.each(rows)('should record what %s answers for %j against %j (spec: %j)', (name, filter, topic, spec) => {
    const observed = libraries[name]?.(filter, topic);
    const departure = departures[name]?.[`${filter}|${topic}`];
    if (departure === undefined) {
      expect(observed).toBe(spec);
    } else {
      expect(observed).toBe(departure);
      expect(observed).not.toBe(spec);
    }
  });

  it.each(Object.keys(libraries))('should find at least one spec case where %s differs', (name) => {
    expect(Object.keys(departures[name] ?? {}).length).toBeGreaterThan(0);
    for (const key of Object.keys(departures[name] ?? {})) {
      expect(cases.some(([f, t]) => `${f}|${t}` === key)).toBe(true);
    }
  });

  it('should throw InvalidTopicError naming the filter for an invalid or named filter', () => {
    expect(() => matchTopic('a/#/b', 'a/x/b')).toThrow(/"a\/#\/b": "#" must be the last level/);
    expect(() => matchTopic('/sys/+pk', '/sys/x')).toThrow(InvalidTopicError);
  });

  it('should agree with a naive reference matcher on random filters and topics', () => {
    fc.assert(
      fc.property(filterArb, topicArb, (filter, topic) => {
        expect(matchTopic(filter, topic)).toBe(referenceMatch(filter, topic));
      }),
      { numRuns: 5000 },
    );
  });
});
