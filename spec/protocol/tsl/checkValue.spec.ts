import { checkValue, normalizeValue, type TslRule } from '../../../lib/protocol/tsl/checkValue';
import type { DataType } from '../../../lib/protocol/tsl/DataType';

const int: DataType = { type: 'int', min: 0, max: 100 };
const float: DataType = { type: 'float', min: -40, max: 120 };
const double: DataType = { type: 'double', min: -90, max: 90 };
const text: DataType = { type: 'text', length: 4 };
const bool: DataType = { type: 'bool' };
const enumType: DataType = { type: 'enum', values: { 0: 'auto', 1: 'manual', 5: 'eco' } };
const date: DataType = { type: 'date' };
const struct: DataType = {
  type: 'struct',
  fields: [
    { identifier: 'lat', dataType: double },
    { identifier: 'name', dataType: text },
  ],
};
const array: DataType = { type: 'array', size: 2, item: int };
const arrayOfStruct: DataType = { type: 'array', size: 3, item: struct };

describe('checkValue', () => {
  it.each<[string, DataType, unknown]>([
    ['an int in range', int, 42],
    ['an int at its min and max', int, 0],
    ['a float', float, 21.5],
    ['a double at its max', double, 90],
    ['text within its length', text, 'abcd'],
    ['bool 0', bool, 0],
    ['bool 1', bool, 1],
    ['an enum key', enumType, 5],
    ['a date as a string of digits', date, '1700000000000'],
    ['a date as a number', date, 1700000000000],
    ['a struct with some of its fields', struct, { lat: 1.5 }],
    ['an empty struct', struct, {}],
    ['an array within its size', array, [1, 2]],
    ['structs in an array', arrayOfStruct, [{ lat: 1, name: 'a' }, { name: 'b' }]],
  ])('should take %s', (_, dataType, value) => {
    expect(checkValue(dataType, value, 'v')).toEqual([]);
  });

  it.each<[string, DataType, unknown, readonly [string, TslRule, string][]]>([
    ['a string for an int', int, '42', [['v', 'type', 'at v: expected int, got "42"']]],
    ['a fraction for an int', int, 1.5, [['v', 'integer', 'at v: expected an integer, got 1.5']]],
    ['an int below its min', int, -1, [['v', 'min', 'at v: -1 is below the min 0']]],
    ['a float above its max', float, 130, [['v', 'max', 'at v: 130 is above the max 120']]],
    ['NaN for a double', double, Number.NaN, [['v', 'type', 'at v: expected double, got null']]],
    ['text over its length', text, 'abcde', [['v', 'length', 'at v: 5 characters is over the length 4']]],
    ['a number for text', text, 5, [['v', 'type', 'at v: expected text, got 5']]],
    ['true for a bool', bool, true, [['v', 'enum', 'at v: expected bool 0 or 1, got true']]],
    ['2 for a bool', bool, 2, [['v', 'enum', 'at v: expected bool 0 or 1, got 2']]],
    ['a key the enum lacks', enumType, 2, [['v', 'enum', 'at v: 2 is not one of 0, 1, 5']]],
    ['a label for an enum', enumType, 'auto', [['v', 'type', 'at v: expected an enum key, got "auto"']]],
    [
      'an ISO date',
      date,
      '2024-01-01',
      [['v', 'type', 'at v: expected a date (UTC milliseconds), got "2024-01-01"']],
    ],
    [
      'a field the struct lacks',
      struct,
      { lat: 1, alt: 2 },
      [['v.alt', 'undefined', 'at v.alt: alt is not defined']],
    ],
    ['a bad field of a struct', struct, { lat: 91 }, [['v.lat', 'max', 'at v.lat: 91 is above the max 90']]],
    ['an array for a struct', struct, [], [['v', 'type', 'at v: expected a struct (an object), got []']]],
    ['an array over its size', array, [1, 2, 3], [['v', 'size', 'at v: 3 items is over the size 2']]],
    [
      'bad items of an array, each with its index',
      array,
      [1, 200, 'x'],
      [
        ['v', 'size', 'at v: 3 items is over the size 2'],
        ['v[1]', 'max', 'at v[1]: 200 is above the max 100'],
        ['v[2]', 'type', 'at v[2]: expected int, got "x"'],
      ],
    ],
    [
      'a bad field of a struct in an array',
      arrayOfStruct,
      [{ name: 'ok' }, { name: 'too long' }],
      [['v[1].name', 'length', 'at v[1].name: 8 characters is over the length 4']],
    ],
  ])('should refuse %s', (_, dataType, value, expected) => {
    expect(checkValue(dataType, value, 'v').map((v) => [v.path, v.rule, v.message])).toEqual(expected);
  });

  it('should say where the value is when it has no path', () => {
    expect(checkValue(int, 'x', '')[0]?.message).toBe('at (root): expected int, got "x"');
  });
});

describe('normalizeValue', () => {
  it.each<[string, DataType, unknown, unknown]>([
    ['a date given as a number', date, 1700000000000, '1700000000000'],
    ['dates inside structs in an array', arrayOfStruct, [{ name: 'a' }], [{ name: 'a' }]],
    ['an int', int, 3, 3],
  ])('should send %s as the platform takes it', (_, dataType, value, expected) => {
    expect(normalizeValue(dataType, value)).toEqual(expected);
  });

  it('should turn dates in nested structs into strings', () => {
    const stops: DataType = {
      type: 'array',
      item: { type: 'struct', fields: [{ identifier: 'at', dataType: date }] },
    };
    expect(normalizeValue(stops, [{ at: 5 }, { at: '6' }])).toEqual([{ at: '5' }, { at: '6' }]);
  });
});
