import * as t from 'io-ts';
import { nestedDeeperThan, parseJson } from '../../lib/json/parseJson';

describe('parseJson', () => {
  it.each([
    ['spelled out', '{"a":1,"__proto__":{"b":2},"c":{"__proto__":[1]}}'],
    ['escaped', '{"a":1,"\\u005f_proto__":{"b":2},"c":{"__pro\\u0074o__":[1]}}'],
  ])('should leave out every __proto__ key, %s', (_, text) => {
    const json = parseJson(text) as Record<string, unknown>;
    expect(json).toEqual({ a: 1, c: {} });
    expect(Object.hasOwn(json, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
  });

  it('should keep everything else as JSON.parse reads it, escapes included', () => {
    const text = '{"id":"1","name":"\\u6e29\\u5ea6","list":[1,{"x":null}],"proto":true}';
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(parseJson('"__proto__"')).toBe('__proto__');
  });

  it('should read a text nested 10,000 deep that holds the key, as JSON.parse reads it', () => {
    const text = `{"__proto__":1,"a":${'['.repeat(10_000)}{"__proto__":2,"b":3}${']'.repeat(10_000)}}`;
    let inner = (parseJson(text) as { a: unknown }).a;
    for (let i = 0; i < 10_000; i++) inner = (inner as unknown[])[0];
    expect(inner).toEqual({ b: 3 });
    expect(Object.hasOwn(inner as object, '__proto__')).toBe(false);
  });

  it('should throw on text that is not JSON, as JSON.parse does', () => {
    expect(() => parseJson('{')).toThrow(SyntaxError);
  });

  it('should keep an io-ts copy from taking a prototype from the text', () => {
    // A codec that changes a field copies the object; with the key kept, the copy's prototype was the text's.
    const Request = t.intersection([
      t.type({
        id: new t.Type<string, string, unknown>(
          'Id',
          t.string.is,
          (u, c) => (typeof u === 'number' ? t.success(String(u)) : t.string.validate(u, c)),
          String,
        ),
      }),
      t.partial({ method: t.string }),
    ]);
    const text = '{"id":1,"__proto__":{"method":{"toString":1}}}';
    const decoded = Request.decode(parseJson(text));
    expect(decoded).toEqual({ _tag: 'Right', right: { id: '1' } });
    expect((decoded as { right: { method?: unknown } }).right.method).toBeUndefined();
  });
});

describe('nestedDeeperThan', () => {
  it.each<[string, unknown, number, boolean]>([
    ['a number', 1, 0, false],
    ['an empty object at 0 levels', {}, 0, true],
    ['an object in an array, at 2 levels', [{ a: 1 }], 2, false],
    ['an object in an array, at 1 level', [{ a: 1 }], 1, true],
    ['a wide object', { a: [1, 2, 3], b: { c: 'd' } }, 2, false],
  ])('should say whether %s nests deeper', (_, value, levels, expected) => {
    expect(nestedDeeperThan(value, levels)).toBe(expected);
  });

  it('should walk 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(nestedDeeperThan(deep, 64)).toBe(true);
  });
});
