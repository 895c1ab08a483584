import * as E from 'fp-ts/Either';
import { DigitString, NumberFromStringOrNumber, preview } from '../../lib/protocol';

describe('DigitString', () => {
  it.each<[unknown, string]>([
    ['0', '0'],
    ['4294967295', '4294967295'],
    [0, '0'],
    [123, '123'],
  ])('should decode %p as %p', (input, expected) => {
    expect(DigitString.decode(input)).toEqual(E.right(expected));
  });

  it.each<unknown>(['', '12a', ' 1', -1, 1.5, NaN, null, {}])('should refuse %p', (input) => {
    expect(E.isLeft(DigitString.decode(input))).toBe(true);
  });
});

describe('NumberFromStringOrNumber', () => {
  it.each<[unknown, number]>([
    [200, 200],
    ['200', 200],
    ['-1.5', -1.5],
    ['1571724098110', 1571724098110],
  ])('should decode %p as %p', (input, expected) => {
    expect(NumberFromStringOrNumber.decode(input)).toEqual(E.right(expected));
  });

  it.each<unknown>(['', ' ', 'x', NaN, Infinity, null, true])('should refuse %p', (input) => {
    expect(E.isLeft(NumberFromStringOrNumber.decode(input))).toBe(true);
  });
});

describe('preview', () => {
  it('should cut a long value to 60 characters', () => {
    expect(preview('x'.repeat(100))).toBe(`"${'x'.repeat(59)}…`);
  });

  it('should not throw on a value too deep to stringify', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(preview(deep)).toBe('an array');
  });
});
