import { isDollarTopic, levelsMatch } from '../../lib/topic/levelsMatch';

describe('levelsMatch', () => {
  // prettier-ignore
  it.each([
    [['a', '#'],      ['a'],           false, true],
    [['a', '+'],      ['a'],           false, false],
    [['+', '+'],      ['', ''],        false, true],
    [['#'],           ['$SYS', 'x'],   true,  false],
    [['$SYS', '#'],   ['$SYS', 'x'],   true,  true],
    [['a'],           ['a', ''],       false, false],
  ])('should match %j against %j (dollar %j) as %j', (levels, topicLevels, dollar, expected) => {
    expect(levelsMatch(levels, topicLevels, dollar)).toBe(expected);
  });
});

describe('isDollarTopic', () => {
  it.each([
    ['$SYS/x', true],
    ['/$SYS', false],
    ['', false],
  ])('should say %j is %j', (topic, expected) => {
    expect(isDollarTopic(topic)).toBe(expected);
  });
});
