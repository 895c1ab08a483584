import * as E from 'fp-ts/Either';
import { decodeTsl, parseTsl, TslError } from '../../../lib/protocol/tsl/parseTsl';
import { tslFixture } from '../../support/tslFixture';

const fixture = tslFixture;

describe('parseTsl', () => {
  it('should read every data type of the console export, specs as numbers', () => {
    const model = parseTsl(fixture('everyType'));
    expect(model.productKey).toBe('a1TestPK001');
    const types = Object.fromEntries(
      Object.entries(model.properties).map(([id, p]) => [id, p.type.dataType]),
    );
    expect(types).toEqual({
      temp: { type: 'float', min: -40, max: 120, step: 0.1, unit: '°C' },
      count: { type: 'int', min: 0, max: 100, step: 1 },
      ratio: { type: 'double', min: 0, max: 1, step: 0.000001 },
      on: { type: 'bool', labels: { 0: '关', 1: '开' } },
      mode: { type: 'enum', values: { 0: 'auto', 1: 'manual', 2: 'eco' } },
      label: { type: 'text', length: 8 },
      ts: { type: 'date' },
      pos: {
        type: 'struct',
        fields: [
          {
            identifier: 'lat',
            name: '纬度',
            dataType: { type: 'double', min: -90, max: 90, step: 0.000001 },
          },
          { identifier: 'lng', name: '经度', dataType: { type: 'double', min: -180, max: 180 } },
          { identifier: 'fix', dataType: { type: 'bool', labels: { 0: 'no', 1: 'yes' } } },
        ],
      },
      hist: { type: 'array', size: 3, item: { type: 'int' } },
      stops: {
        type: 'array',
        size: 2,
        item: {
          type: 'struct',
          fields: [
            { identifier: 'name', dataType: { type: 'text', length: 16 } },
            { identifier: 'at', dataType: { type: 'date' } },
          ],
        },
      },
    });
    expect(model.properties['temp']).toMatchObject({ accessMode: 'r', name: '温度' });
    expect(model.properties['count']?.accessMode).toBe('rw');
    expect(Object.keys(model.events)).toEqual(['fault', 'hello']);
    expect(model.events['fault']?.kind).toBe('error');
    expect(model.services['reboot']?.callType).toBe('sync');
    expect(model.services['calibrate']?.callType).toBe('async');
    expect(model.services['reboot']?.input.dataType).toEqual({
      type: 'struct',
      fields: [{ identifier: 'delay', name: 'Delay', dataType: { type: 'int', min: 0, max: 60, step: 1 } }],
    });
  });

  it('should leave out the generated set, get and post of older exports', () => {
    const model = parseTsl(fixture('olderExport'));
    expect(Object.keys(model.properties)).toEqual(['Power', 'WF']);
    expect(Object.keys(model.events)).toEqual(['Overheat']);
    expect(Object.keys(model.services)).toEqual([]);
  });

  it('should know a generated entry by its identifier and its method: an event named property is an event', () => {
    const model = parseTsl({
      events: [
        { identifier: 'property', method: 'thing.event.property.post', outputData: [] },
        { identifier: 'post', method: 'thing.event.post.post', outputData: [] },
      ],
      services: [{ identifier: 'set', method: 'thing.service.set', inputData: [], outputData: [] }],
    });
    expect(Object.keys(model.events)).toEqual(['property', 'post']);
    expect(Object.keys(model.services)).toEqual(['set']);
  });

  it('should read identifiers named like the members of every object as entries like any other', () => {
    const int = { type: 'int', specs: {} };
    const model = parseTsl({
      properties: ['constructor', 'toString', '__proto__'].map((identifier) => ({
        identifier,
        dataType: int,
      })),
    });
    expect(Object.keys(model.properties)).toEqual(['constructor', 'toString', '__proto__']);
    expect(Object.getPrototypeOf(model.properties)).toBeNull();
  });

  it('should name the identifiers of a custom module module:identifier, beside the default module', () => {
    const model = parseTsl([fixture('everyType'), fixture('customModule')]);
    expect(Object.keys(model.properties)).toEqual(
      expect.arrayContaining(['temp', 'battery:level', 'battery:charging']),
    );
    expect(Object.keys(model.events)).toEqual(['fault', 'hello', 'battery:low']);
    expect(Object.keys(model.services)).toEqual(['reboot', 'calibrate', 'battery:saver']);
  });

  it('should take identifiers already written module:identifier as they are, and JSON text', () => {
    const json = JSON.stringify({
      properties: [{ identifier: 'fan:speed', accessMode: 'rw', dataType: { type: 'int', specs: {} } }],
    });
    expect(Object.keys(parseTsl(json).properties)).toEqual(['fan:speed']);
  });

  it.each<[string, unknown, string[]]>([
    ['text that is not JSON', '{', [expect.stringMatching(/^not JSON: /) as unknown as string]],
    [
      'an unknown data type',
      { properties: [{ identifier: 'x', dataType: { type: 'long' } }] },
      [
        'at properties.0.dataType.type: expected one of int, float, double, text, bool, enum, date, struct, array, got "long"',
      ],
    ],
    [
      'a spec that is no number',
      { properties: [{ identifier: 'x', dataType: { type: 'int', specs: { min: 'low' } } }] },
      ['at properties.0.dataType.specs.min: expected a number, got "low"'],
    ],
    [
      'a struct in a struct',
      {
        properties: [
          {
            identifier: 's',
            dataType: {
              type: 'struct',
              specs: [{ identifier: 'inner', dataType: { type: 'struct', specs: [] } }],
            },
          },
        ],
      },
      [
        'at properties.0.dataType.specs.0.dataType.type: expected one of int, float, double, text, bool, enum, date, array (in a struct), got "struct"',
      ],
    ],
    [
      'an array of bools',
      {
        properties: [
          { identifier: 'a', dataType: { type: 'array', specs: { size: '3', item: { type: 'bool' } } } },
        ],
      },
      [
        'at properties.0.dataType.specs.item.type: expected one of int, float, double, text, struct (in an array), got "bool"',
      ],
    ],
    [
      'an array over 512',
      {
        properties: [
          { identifier: 'a', dataType: { type: 'array', specs: { size: '513', item: { type: 'int' } } } },
        ],
      },
      ['at properties.0.dataType.specs.size: must be an integer 0–512, got 513'],
    ],
    [
      'text over 10240',
      { properties: [{ identifier: 't', dataType: { type: 'text', specs: { length: '10241' } } }] },
      ['at properties.0.dataType.specs.length: must be 0–10240, got 10241'],
    ],
    [
      'an enum key that is no integer',
      { properties: [{ identifier: 'e', dataType: { type: 'enum', specs: { a: 'x' } } }] },
      ['at properties.0.dataType.specs.a: an enum key must be an integer'],
    ],
    [
      'an accessMode that is neither r nor rw',
      { properties: [{ identifier: 'p', accessMode: 'w', dataType: { type: 'int' } }] },
      ['at properties.0.accessMode: expected "r" | "rw", got "w"'],
    ],
    [
      'a property defined twice',
      {
        properties: [
          { identifier: 'p', dataType: { type: 'int' } },
          { identifier: 'p', dataType: { type: 'text' } },
        ],
      },
      ['property p is defined twice'],
    ],
    [
      'an output parameter without an identifier',
      { events: [{ identifier: 'e', outputData: [{ dataType: { type: 'int' } }] }] },
      ['at events.0.outputData.0.identifier: expected a non-empty string, got undefined'],
    ],
  ])('should say where the problem is for %s', (_, json, problems) => {
    const decoded = decodeTsl(json);
    expect(E.isLeft(decoded) && decoded.left.problems).toEqual(problems);
  });

  it('should throw one TslError with every problem', () => {
    const bad = {
      properties: [
        { identifier: 'a', dataType: { type: 'x' } },
        { identifier: '', dataType: {} },
      ],
    };
    expect(() => parseTsl(bad)).toThrow(TslError);
    try {
      parseTsl(bad);
    } catch (error) {
      expect((error as TslError).name).toBe('TslError');
      expect((error as TslError).problems).toHaveLength(3);
      expect((error as TslError).message).toMatch(/^invalid TSL: at properties\.0\.dataType\.type/);
    }
  });
});
