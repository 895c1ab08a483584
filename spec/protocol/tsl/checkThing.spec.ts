import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  checkEventPost,
  checkHistoryPost,
  checkPackPost,
  checkPropertyPost,
  checkPropertySet,
  checkServiceParams,
  normalizePropertyPost,
  propertySetType,
  serviceInputType,
} from '../../../lib/protocol/tsl/checkThing';
import { parseTsl } from '../../../lib/protocol/tsl/parseTsl';
import { property, thingModel } from '../../../lib/protocol/tsl/ThingModel';
import { tslTypes } from '../../../lib/protocol/tsl/tslTypes';
import { tslFixture } from '../../support/tslFixture';

const model = parseTsl([tslFixture('everyType'), tslFixture('customModule')]);
const rules = (violations: readonly { path: string; rule: string }[]) =>
  violations.map((v) => `${v.path} ${v.rule}`);

describe('checkPropertyPost', () => {
  it.each<[string, unknown, string[]]>([
    ['values alone', { temp: 21.5, on: 1, 'battery:level': 80 }, []],
    ['values with their time', { temp: { value: 21.5, time: 1700000000000 }, ts: '1700000000000' }, []],
    ['a nested struct in an array', { stops: [{ name: 'home', at: 1700000000000 }] }, []],
    ['an undefined property', { humidity: 40 }, ['humidity undefined']],
    ['a value over its max, timed', { temp: { value: 130, time: 1 } }, ['temp max']],
    [
      'several problems at once',
      { count: 1.5, mode: 9, pos: { lat: 100 } },
      ['count integer', 'mode enum', 'pos.lat max'],
    ],
    ['a struct field in an array item', { stops: [{ name: 'x', at: 'soon' }] }, ['stops[0].at type']],
    ['params that are not an object', [1], [' type']],
  ])('should check %s', (_, params, expected) => {
    expect(rules(checkPropertyPost(model, params))).toEqual(expected);
  });

  it('should take a property named like a member of every object for undefined, in a model written by hand', () => {
    const written = thingModel({ properties: { temp: property('r', tslTypes.float({})) } });
    expect(rules(checkPropertyPost(written, { toString: 1, constructor: 2 }))).toEqual([
      'toString undefined',
      'constructor undefined',
    ]);
    expect(rules(checkPropertySet(written, { valueOf: 1 }))).toEqual(['valueOf undefined']);
    expect(rules(checkEventPost(written, 'toString', {}))).toEqual([' undefined']);
    expect(rules(checkServiceParams(written, 'hasOwnProperty', 'input', {}))).toEqual([' undefined']);
  });

  it('should name the property and the rule in its message', () => {
    expect(checkPropertyPost(model, { humidity: 1 })[0]?.message).toBe(
      'at humidity: property humidity is not defined by the thing model',
    );
  });
});

describe('checkPropertySet', () => {
  it.each<[string, unknown, string[]]>([
    ['writable properties', { count: 5, mode: 2, label: 'abc' }, []],
    ['a read-only property', { temp: 20 }, ['temp readOnly']],
    ['an undefined property', { nope: 1 }, ['nope undefined']],
    ['a bad value', { label: 'far too long' }, ['label length']],
  ])('should check %s', (_, params, expected) => {
    expect(rules(checkPropertySet(model, params))).toEqual(expected);
  });

  it('should decode set params as a codec, with paths under params', () => {
    const Params = t.type({ params: propertySetType(model) });
    const decoded = Params.decode({ params: { count: 500 } });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message)).toEqual([
      'at params.count: 500 is above the max 100',
    ]);
    expect(Params.decode({ params: { count: 5 } })).toEqual(E.right({ params: { count: 5 } }));
  });
});

describe('checkEventPost', () => {
  it.each<[string, string, unknown, string[]]>([
    ['outputs of an event', 'fault', { code: 7, text: 'jam' }, []],
    ['an event of a custom module', 'battery:low', { level: 5 }, []],
    ['an undefined event', 'explode', {}, [' undefined']],
    ['an undefined output', 'fault', { code: 1, extra: 2 }, ['extra undefined']],
    ['an output out of range', 'fault', { code: 256 }, ['code max']],
  ])('should check %s', (_, identifier, output, expected) => {
    expect(rules(checkEventPost(model, identifier, output))).toEqual(expected);
  });
});

describe('checkServiceParams', () => {
  it.each<[string, string, 'input' | 'output', unknown, string[]]>([
    ['an input', 'reboot', 'input', { delay: 10 }, []],
    ['an input out of range', 'reboot', 'input', { delay: 61 }, ['delay max']],
    ['an output', 'reboot', 'output', { at: '1700000000000' }, []],
    ['a bad output', 'calibrate', 'output', { ok: 3 }, ['ok enum']],
    ['an undefined service', 'fly', 'input', {}, [' undefined']],
  ])('should check %s', (_, identifier, which, params, expected) => {
    expect(rules(checkServiceParams(model, identifier, which, params))).toEqual(expected);
  });

  it('should decode a service input as a codec', () => {
    const decoded = t
      .type({ params: serviceInputType(model, 'reboot') })
      .decode({ params: { delay: 'now' } });
    expect(E.isLeft(decoded) && decoded.left.map((e) => e.message)).toEqual([
      'at params.delay: expected int, got "now"',
    ]);
  });
});

describe('normalizePropertyPost', () => {
  it('should send dates as strings, keeping the time of a timed value', () => {
    expect(normalizePropertyPost(model, { ts: 5, stops: [{ at: 6 }], temp: { value: 1, time: 2 } })).toEqual({
      ts: '5',
      stops: [{ at: '6' }],
      temp: { value: 1, time: 2 },
    });
  });
});

describe('checkPackPost', () => {
  const sensor = thingModel({ properties: { level: property('r', tslTypes.int({ min: 0, max: 10 })) } });
  const modelOf = (productKey: string) =>
    productKey === 'gw' ? model : productKey === 'sensor' ? sensor : undefined;

  it("should check the gateway's part and each sub-device's against their products' models, and skip a product without one", () => {
    const violations = checkPackPost(
      {
        properties: { temp: { value: 130 } },
        events: { fault: { value: { code: 1 } } },
        subDevices: [
          { identity: { productKey: 'unknown', deviceName: 'u' }, properties: { anything: 1 } },
          { identity: { productKey: 'sensor', deviceName: 's' }, properties: { level: 11 } },
          { identity: { productKey: 'sensor', deviceName: 't' }, events: { fault: { value: {} } } },
        ],
      },
      'gw',
      modelOf,
    );
    expect(rules(violations)).toEqual([
      'properties.temp max',
      'subDevices[1].properties.level max',
      'subDevices[2].events.fault undefined',
    ]);
  });

  it("should check nothing of the gateway's own part when its product has no model", () => {
    expect(checkPackPost({ properties: { anything: 1 } }, 'other', modelOf)).toEqual([]);
  });
});

describe('checkHistoryPost', () => {
  it('should check every snapshot and occurrence, each at its index', () => {
    const violations = checkHistoryPost(
      [
        {
          identity: { productKey: 'gw', deviceName: 'd' },
          properties: [{ temp: { value: 1, time: 1 } }, { count: { value: 1.5, time: 2 } }],
          events: [{ fault: { value: { code: 256 }, time: 3 } }],
        },
        { identity: { productKey: 'none', deviceName: 'x' }, properties: [{ any: { value: 1, time: 1 } }] },
      ],
      (productKey) => (productKey === 'gw' ? model : undefined),
    );
    expect(rules(violations)).toEqual(['[0].properties[1].count integer', '[0].events[0].fault.code max']);
  });
});
