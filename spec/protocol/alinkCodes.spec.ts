import { ALINK_CODES, codeName, isDeviceDefinedCode } from '../../lib/protocol';

describe('codeName', () => {
  it.each<[number, string | undefined]>([
    [200, 'success'],
    [400, 'requestError'],
    [429, 'tooManyRequests'],
    [460, 'invalidParameter'],
    [500, 'systemError'],
    [5005, 'productNotFound'],
    [5244, 'loraWanMetadataError'],
    [5092, 'propertyNotFound'],
    [6100, 'deviceNotFound'],
    [6203, 'topicParseError'],
    [6204, 'deviceDisabled'],
    [6450, 'methodMissing'],
    [6813, 'topicIllegal'],
    [26001, 'parseScriptNotFound'],
    [26002, 'parseScriptError'],
    [26006, 'parseScriptFunctionMissing'],
    [26007, 'parseScriptBadResult'],
    [26010, 'parseThrottled'],
    [26003, undefined],
    [12345, undefined],
  ])('should name %i %p', (code, name) => {
    expect(codeName(code)).toBe(name);
  });

  it('should name every code it lists', () => {
    for (const [name, code] of Object.entries(ALINK_CODES)) expect(codeName(code)).toBe(name);
  });
});

describe('isDeviceDefinedCode', () => {
  it.each<[number, boolean]>([
    [100_000, true],
    [110_000, true],
    [105_123, true],
    [99_999, false],
    [110_001, false],
    [100_000.5, false],
  ])('should say %d is %p', (code, expected) => {
    expect(isDeviceDefinedCode(code)).toBe(expected);
  });
});
