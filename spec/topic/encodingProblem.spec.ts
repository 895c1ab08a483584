import { encodingProblem, MAX_TOPIC_BYTES } from '../../lib/topic/encodingProblem';

describe('encodingProblem', () => {
  // prettier-ignore
  it.each([
    ['a',                                    undefined],
    ['/',                                    undefined],
    ['é',                                    undefined],
    ['😀',                                   undefined],
    ['x'.repeat(MAX_TOPIC_BYTES),            undefined],
    ['é'.repeat(32767) + 'x',               undefined],
    ['',                                     /empty/],
    ['a\u0000b',                             /U\+0000 at index 1/],
    ['x'.repeat(MAX_TOPIC_BYTES + 1),        /65536 UTF-8 bytes/],
    ['é'.repeat(32768),                      /65536 UTF-8 bytes/],
    ['中'.repeat(21846),                     /65538 UTF-8 bytes/],
    ['😀'.repeat(16384),                     /65536 UTF-8 bytes/],
    ['a\ud800',                              /lone surrogate at index 1/],
    ['\udc00a',                              /lone surrogate at index 0/],
  ])('should judge %#', (text, expected) => {
    const problem = encodingProblem(text);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('should count bytes as Buffer does for well-formed strings', () => {
    const text = 'a'.repeat(65530) + 'é中😀';
    expect(Buffer.byteLength(text)).toBe(65539);
    expect(encodingProblem(text)).toMatch(/65539 UTF-8 bytes/);
  });
});
