import { ALINK_CODES } from '../../lib/protocol';
import { DataParserError, dataParsing, type DataParser } from '../../lib/emulator/dataParser';
import { RAW_DATA_SCRIPT, rawCommand, rawPost } from '../support/rawDataScript';

describe('dataParsing', () => {
  describe('of a script', () => {
    const parsing = dataParsing('pk', RAW_DATA_SCRIPT);

    it('should run rawDataToProtocol on the bytes and give a JSON object', () => {
      expect(parsing.toProtocol(rawPost(7, -40, 1))).toEqual({
        _tag: 'Parsed',
        value: {
          id: '7',
          version: '1.0',
          method: 'thing.event.property.post',
          params: { temp: -40, on: 1 },
        },
      });
    });

    it('should run protocolToRawData and give its bytes, a negative one as its signed byte', () => {
      const result = parsing.toRawData({
        id: '258',
        method: 'thing.service.property.set',
        params: { temp: -2 },
      });
      expect(result).toEqual({ _tag: 'Parsed', value: Buffer.from([0x01, 0, 0, 1, 2, 0xff, 0xfe]) });
    });

    it.each<[string, Buffer, number, RegExp]>([
      [
        'throws',
        rawCommand(0xfd, 1),
        ALINK_CODES.parseScriptError,
        /rawDataToProtocol failed: Error: frame 0xfd/,
      ],
      [
        'gives no object',
        rawCommand(0xfc, 1),
        ALINK_CODES.parseScriptBadResult,
        /must give a JSON object, not "no object"/,
      ],
    ])('should give a failure value when the script %s', (_, bytes, code, message) => {
      const result = parsing.toProtocol(bytes);
      expect(result).toEqual({ _tag: 'ParseFailure', code, message: expect.stringMatching(message) });
    });

    it('should give 26007 when protocolToRawData gives no bytes', () => {
      const result = parsing.toRawData({ id: '1', method: 'thing.service.other', params: {} });
      expect(result).toMatchObject({ _tag: 'ParseFailure', code: ALINK_CODES.parseScriptBadResult });
    });

    it('should stop a script that runs too long with 26002, and run on afterwards', () => {
      const looping = dataParsing(
        'pk',
        'function rawDataToProtocol(b) { for (;;) {} }\nfunction protocolToRawData(j) { return [1]; }',
      );
      expect(looping.toProtocol(Buffer.from([1]))).toMatchObject({
        _tag: 'ParseFailure',
        code: ALINK_CODES.parseScriptError,
        message: expect.stringMatching(/timed out/),
      });
      expect(looping.toRawData({ id: '1' })).toEqual({ _tag: 'Parsed', value: Buffer.from([1]) });
    });
  });

  it.each<[string, string, number]>([
    ['does not compile', 'function rawDataToProtocol(', ALINK_CODES.parseScriptError],
    ['throws as it loads', 'throw new Error("no")', ALINK_CODES.parseScriptError],
    [
      'lacks protocolToRawData',
      'function rawDataToProtocol(b) { return {}; }',
      ALINK_CODES.parseScriptFunctionMissing,
    ],
  ])('should refuse a script that %s with DataParserError', (_, source, code) => {
    expect(() => dataParsing('a1Pk', source)).toThrow(DataParserError);
    try {
      dataParsing('a1Pk', source);
    } catch (error) {
      expect(error).toMatchObject({ name: 'DataParserError', productKey: 'a1Pk', code });
      expect((error as Error).message).toMatch(/^the data-parsing script of product a1Pk cannot run: /);
    }
  });

  describe('of functions', () => {
    it('should take the functions, signed bytes in and bytes of -128…255 or a Uint8Array out', () => {
      const seen: number[][] = [];
      const parser: DataParser = {
        rawDataToProtocol: (bytes) => {
          seen.push(bytes);
          return { id: '1', method: 'thing.event.property.post', params: {} };
        },
        protocolToRawData: (json) => (json['id'] === '1' ? [-1, 255, 0] : new Uint8Array([9])),
      };
      const parsing = dataParsing('pk', parser);
      expect(parsing.toProtocol(Buffer.from([0x80, 0x7f, 0xff]))).toMatchObject({ _tag: 'Parsed' });
      expect(seen).toEqual([[-128, 127, -1]]);
      expect(parsing.toRawData({ id: '1' })).toEqual({ _tag: 'Parsed', value: Buffer.from([255, 255, 0]) });
      expect(parsing.toRawData({ id: '2' })).toEqual({ _tag: 'Parsed', value: Buffer.from([9]) });
    });

    it.each<[string, unknown]>([
      ['an empty array', []],
      ['a number over 255', [256]],
      ['a fraction', [1.5]],
      ['a string', '0102'],
    ])('should refuse %s as bytes with 26007', (_, result) => {
      const parsing = dataParsing('pk', {
        rawDataToProtocol: () => ({}),
        protocolToRawData: () => result as number[],
      });
      expect(parsing.toRawData({})).toMatchObject({
        _tag: 'ParseFailure',
        code: ALINK_CODES.parseScriptBadResult,
      });
    });

    it.each<[string, unknown]>([
      ['null', null],
      ['an array', [1]],
      ['a number', 1],
    ])('should refuse %s as Alink with 26007', (_, result) => {
      const parsing = dataParsing('pk', { rawDataToProtocol: () => result, protocolToRawData: () => [1] });
      expect(parsing.toProtocol(Buffer.from([1]))).toMatchObject({
        _tag: 'ParseFailure',
        code: ALINK_CODES.parseScriptBadResult,
      });
    });

    it('should refuse a parser object without both functions with 26006', () => {
      const parser = { rawDataToProtocol: () => ({}) } as unknown as DataParser;
      expect(() => dataParsing('pk', parser)).toThrow(/defines no function protocolToRawData/);
    });
  });
});
