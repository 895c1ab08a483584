import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { contextPath, describeErrors } from '../../lib/protocol/describeErrors';

const Doc = t.type({
  items: t.array(t.intersection([t.type({ id: t.string }), t.partial({ n: t.number })])),
});
const errorsOf = (u: unknown) => {
  const decoded = Doc.decode(u);
  return E.isLeft(decoded) ? decoded.left : [];
};

describe('describeErrors', () => {
  it.each<[string, unknown, string[]]>([
    [
      'a field of the wrong type, its path without the indexes an intersection adds',
      { items: [{ id: 1 }] },
      ['at items.0.id: expected string, got 1'],
    ],
    ['an optional field', { items: [{ id: 'a', n: 'x' }] }, ['at items.0.n: expected number, got "x"']],
    ['the root', 'nope', [expect.stringMatching(/^at \(root\): expected \{ items: /) as unknown as string]],
  ])('should describe %s', (_, value, expected) => {
    expect(describeErrors(errorsOf(value))).toEqual(expected);
  });

  it('should keep the message a codec gave', () => {
    const Checked = new t.Type<string, string, unknown>(
      'C',
      t.string.is,
      (u, c) => t.failure(u, c, 'my message'),
      t.identity,
    );
    const decoded = Checked.decode(1);
    expect(E.isLeft(decoded) && describeErrors(decoded.left)).toEqual(['my message']);
  });

  it('should write a context path as a reader would', () => {
    const [first] = errorsOf({ items: [{ id: 2 }] });
    expect(first && contextPath(first.context)).toBe('items.0.id');
  });
});
