import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { func, integer, kindOf, number, oneOf, partialObject, rule, show } from '../../lib/identity/rule';

/** The messages of a failed decode, or 'ok'. */
const messages = (codec: t.Decoder<unknown, unknown>, u: unknown): unknown =>
  E.match<t.Errors, unknown, unknown>(
    (errors: t.Errors) => errors.map((error) => error.message),
    () => 'ok',
  )(codec.decode(u));

describe('kindOf', () => {
  it.each<[unknown, string]>([
    ['', 'an empty string'],
    ['s3cr3t', 'a string'],
    [42, 'a number'],
    [true, 'a boolean'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
    [() => 1, 'a function'],
    [10n, 'a bigint'],
  ])('should describe %p as %s', (u, kind) => {
    expect(kindOf(u)).toBe(kind);
  });
});

describe('show', () => {
  it.each<[unknown, string]>([
    ['a/b', '"a/b"'],
    ['a\u0000b', '"a\\u0000b"'],
    ['x'.repeat(100), `"${'x'.repeat(80)}"…`],
    [10, '10'],
    [NaN, 'NaN'],
    [false, 'false'],
    [{ secret: 's3cr3t' }, 'an object'],
    [['s3cr3t'], 'an array'],
  ])('should show %p as %s', (u, shown) => {
    expect(show(u)).toBe(shown);
  });
});

describe('rule', () => {
  const Even = rule(
    'Even',
    (u): u is number => typeof u === 'number' && u % 2 === 0,
    (u) => `must be even, got ${show(u)}`,
  );

  it('should pass a good value through', () => {
    expect(Even.decode(4)).toEqual(E.right(4));
  });

  it.each<[unknown, string]>([
    [3, 'must be even, got 3'],
    [undefined, 'required'],
  ])('should fail %p with %j', (u, message) => {
    expect(messages(Even, u)).toEqual([message]);
  });
});

describe('number, integer, oneOf, func', () => {
  it.each<[string, t.Decoder<unknown, unknown>, unknown, unknown]>([
    ['number', number('N', 'positive', (n) => n > 0), 1, 'ok'],
    ['number', number('N', 'positive', (n) => n > 0), -1, ['must be positive, got -1']],
    ['number', number('N', 'positive', (n) => n > 0), '1', ['must be positive, got "1"']],
    ['integer', integer(30, 1200, ' seconds'), 30, 'ok'],
    ['integer', integer(30, 1200, ' seconds'), 1200, 'ok'],
    ['integer', integer(30, 1200, ' seconds'), 29, ['must be an integer from 30 to 1200 seconds, got 29']],
    ['integer', integer(30, 1200), 30.5, ['must be an integer from 30 to 1200, got 30.5']],
    ['oneOf', oneOf('J', ['none', 'full']), 'full', 'ok'],
    ['oneOf', oneOf('J', ['none', 'full']), 'half', ['must be one of "none", "full", got "half"']],
    ['func', func('F'), () => 1, 'ok'],
    ['func', func('F'), 'f', ['must be a function, got "f"']],
  ])('%s should judge case %#', (_, codec, u, expected) => {
    expect(messages(codec, u)).toEqual(expected);
  });
});

describe('partialObject', () => {
  const Queue = partialObject('Queue', { limit: integer(0, 10) }, 'a queue');

  it.each<[unknown, unknown]>([
    [{}, 'ok'],
    [{ limit: 5 }, 'ok'],
    [{ limit: 11 }, ['must be an integer from 0 to 10, got 11']],
    [5, ['must be a queue, got 5']],
    [null, ['must be a queue, got null']],
    [[], ['must be a queue, got an array']],
  ])('should take %p as %p', (u, expected) => {
    expect(messages(Queue, u)).toEqual(expected);
  });
});
