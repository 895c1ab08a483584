import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { ClientId, DeviceName, isParamChar, ProductKey, Secret } from '../../lib/identity/identifiers';

const problem = (codec: t.Type<string>, u: unknown): string | undefined =>
  E.match(
    (errors: t.Errors) => errors[0]?.message,
    () => undefined,
  )(codec.decode(u));

describe('ProductKey', () => {
  it.each(['a1TestPK001', 'pk', 'a14Xib5kdYd', 'k0_a-b.c', 'x'.repeat(64)])('should take %j', (u) => {
    expect(ProductKey.decode(u)).toEqual(E.right(u));
  });

  it.each<[unknown, string]>([
    ['a/b', 'must contain only letters, digits and _ - ., got "a/b" (contains "/")'],
    ['a+b', 'must contain only letters, digits and _ - ., got "a+b" (contains "+")'],
    ['a#b', 'must contain only letters, digits and _ - ., got "a#b" (contains "#")'],
    ['a\u0000b', 'must contain only letters, digits and _ - ., got "a\\u0000b" (contains "\\u0000")'],
    ['a&b', 'must contain only letters, digits and _ - ., got "a&b" (contains "&")'],
    ['a|b', 'must contain only letters, digits and _ - ., got "a|b" (contains "|")'],
    ['a@b', 'must contain only letters, digits and _ - ., got "a@b" (contains "@")'],
    ['a:b', 'must contain only letters, digits and _ - ., got "a:b" (contains ":")'],
    ['', 'must be 1 to 64 characters long, got "" (0)'],
    ['x'.repeat(65), `must be 1 to 64 characters long, got "${'x'.repeat(65)}" (65)`],
    [42, 'must be a string, got 42'],
    [undefined, 'required'],
  ])('should refuse %j', (u, message) => {
    expect(problem(ProductKey, u)).toBe(message);
  });
});

describe('DeviceName', () => {
  it.each(['dev01', 'device', 'light1983432', 'a-b_c.d@e:f', 'x'.repeat(32)])('should take %j', (u) => {
    expect(DeviceName.decode(u)).toEqual(E.right(u));
  });

  const chars = 'letters, digits and _ - . @ :';
  it.each<[unknown, string]>([
    ['dev/1', `must contain only ${chars}, got "dev/1" (contains "/")`],
    ['dev+1', `must contain only ${chars}, got "dev+1" (contains "+")`],
    ['dev#1', `must contain only ${chars}, got "dev#1" (contains "#")`],
    ['dev\u00001', `must contain only ${chars}, got "dev\\u00001" (contains "\\u0000")`],
    ['dev&1', `must contain only ${chars}, got "dev&1" (contains "&")`],
    ['dev|1', `must contain only ${chars}, got "dev|1" (contains "|")`],
    ['dev 1', `must contain only ${chars}, got "dev 1" (contains " ")`],
    ['设备名称', `must contain only ${chars}, got "设备名称" (contains "设")`],
    ['dn', 'must be 4 to 32 characters long, got "dn" (2)'],
    ['x'.repeat(33), `must be 4 to 32 characters long, got "${'x'.repeat(33)}" (33)`],
    [null, 'must be a string, got null'],
  ])('should refuse %j', (u, message) => {
    expect(problem(DeviceName, u)).toBe(message);
  });
});

describe('ClientId', () => {
  it.each(['12345', 'a1TestPK001&dev01', 'a1TestPK001.dev01', 'SN 1928339/设备', 'x'.repeat(64)])(
    'should take %j',
    (u) => {
      expect(ClientId.decode(u)).toEqual(E.right(u));
    },
  );

  const chars = 'characters other than | , = and control characters';
  it.each<[unknown, string]>([
    ['a|b', `must contain only ${chars}, got "a|b" (contains "|")`],
    ['a,b', `must contain only ${chars}, got "a,b" (contains ",")`],
    ['a=b', `must contain only ${chars}, got "a=b" (contains "=")`],
    ['a\u0000b', `must contain only ${chars}, got "a\\u0000b" (contains "\\u0000")`],
    ['a\nb', `must contain only ${chars}, got "a\\nb" (contains "\\n")`],
    ['', 'must be 1 to 64 characters long, got "" (0)'],
    ['x'.repeat(65), `must be 1 to 64 characters long, got "${'x'.repeat(65)}" (65)`],
  ])('should refuse %j', (u, message) => {
    expect(problem(ClientId, u)).toBe(message);
  });
});

describe('Secret', () => {
  it('should take any non-empty string', () => {
    expect(Secret.decode('s3cr3t|,=/#')).toEqual(E.right('s3cr3t|,=/#'));
  });

  it.each<[unknown, string]>([
    ['', 'must be a non-empty string, got an empty string'],
    [31415926, 'must be a non-empty string, got a number'],
    [{ value: 's3cr3t' }, 'must be a non-empty string, got an object'],
    [undefined, 'required'],
  ])('should refuse %p without showing it', (u, message) => {
    expect(problem(Secret, u)).toBe(message);
  });
});

describe('isParamChar', () => {
  it.each<[string, boolean]>([
    ['a', true],
    ['&', true],
    ['.', true],
    ['|', false],
    [',', false],
    ['=', false],
    ['\u0000', false],
    ['\u007f', false],
  ])('should judge %j as %p', (char, allowed) => {
    expect(isParamChar(char)).toBe(allowed);
  });
});
