import { literalChild, newNode, refreshMin, removeLiteralChild, type Entry } from '../../lib/topic/trie';

const entry = (order: number): Entry<string> => ({
  filter: 'f',
  levels: ['f'],
  value: 'v',
  order,
  slots: undefined,
  plain: undefined,
});

describe('literalChild', () => {
  it('should find, create and detach literal children', () => {
    const node = newNode<string>();
    expect(literalChild(node, 'a', false)).toBeUndefined();
    const a = literalChild(node, 'a', true);
    expect(literalChild(node, 'a', false)).toBe(a);
    expect(literalChild(node, 'a', true)).toBe(a);
    removeLiteralChild(node, 'b');
    expect(literalChild(node, 'a', false)).toBe(a);
    removeLiteralChild(node, 'a');
    expect(literalChild(node, 'a', false)).toBeUndefined();
    expect(node.children).toBeUndefined();
  });
});

describe('refreshMin', () => {
  it('should take the lowest order of own lists and children', () => {
    const node = newNode<string>();
    node.exact = [entry(7)];
    node.hash = [entry(5)];
    const child = literalChild(node, 'a', true);
    if (child === undefined) throw new Error('no child');
    child.min = 3;
    node.plus = { ...newNode<string>(), min: 4 };
    refreshMin(node);
    expect(node.min).toBe(3);
    removeLiteralChild(node, 'a');
    refreshMin(node);
    expect(node.min).toBe(4);
    node.plus = undefined;
    refreshMin(node);
    expect(node.min).toBe(5);
  });
});
