import { InvalidTopicError } from '../../lib/topic';
import { parseFilter } from '../../lib/topic/parseFilter';

describe('parseFilter', () => {
  it('should split a named filter into plain levels and named slots', () => {
    expect(parseFilter('/ext/rrpc/+id/x/#rest', true)).toEqual({
      filter: '/ext/rrpc/+id/x/#rest',
      levels: ['', 'ext', 'rrpc', '+', 'x', '#'],
      slots: [
        { name: 'id', level: 3, rest: false },
        { name: 'rest', level: 5, rest: true },
      ],
    });
  });

  it('should give no slots for a plain filter', () => {
    expect(parseFilter('a/+/#', false)).toEqual({ filter: 'a/+/#', levels: ['a', '+', '#'], slots: [] });
  });

  it('should return, not throw, an InvalidTopicError', () => {
    expect(parseFilter('a/+x', false)).toBeInstanceOf(InvalidTopicError);
    expect(parseFilter(undefined as unknown as string, true)).toMatchObject({ reason: 'it is not a string' });
  });
});
