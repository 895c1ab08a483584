import {
  apiParams,
  base64,
  CloudApiError,
  flag,
  integer,
  json,
  jsonObject,
  list,
  optional,
  required,
} from '../../lib/emulator/cloudApiParams';

const params = (query: string, body: URLSearchParams | Record<string, unknown> = new URLSearchParams()) =>
  apiParams(new URLSearchParams(query), body);

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof CloudApiError)
      return { code: error.code, status: error.status, message: error.message };
  }
  throw new Error('not refused');
};

describe('apiParams', () => {
  it('should take the query string and a form body together', () => {
    const p = params('Action=Pub&ProductKey=a1', new URLSearchParams('Qos=1'));
    expect([optional(p, 'Action'), optional(p, 'ProductKey'), optional(p, 'Qos')]).toEqual([
      'Pub',
      'a1',
      '1',
    ]);
  });

  it('should take a JSON body, objects as their JSON text and arrays as lists', () => {
    const p = params('', { Items: { Power: 1 }, Timeout: 3000, TargetDeviceName: ['a', 'b'], Gone: null });
    expect(jsonObject(p, 'Items')).toEqual({ Power: 1 });
    expect(integer(p, 'Timeout', 1000, 8000, 8000)).toBe(3000);
    expect(list(p, 'TargetDeviceName')).toEqual(['a', 'b']);
    expect(optional(p, 'Gone')).toBeUndefined();
  });
});

describe('the readers', () => {
  it('should read numbered lists in order', () => {
    expect(list(params('N.2=b&N.10=c&N.1=a&Other.1=x'), 'N')).toEqual(['a', 'b', 'c']);
  });

  it('should refuse a missing parameter as MissingName, with status 400', () => {
    expect(refusal(() => required(params(''), 'DeviceName'))).toEqual({
      code: 'MissingDeviceName',
      status: 400,
      message: 'DeviceName is mandatory for this action',
    });
  });

  it('should decode Base64, and refuse what is not', () => {
    expect(base64(params('M=aGVsbG8%3D'), 'M').toString()).toBe('hello');
    expect(refusal(() => base64(params('M=not%20base64!'), 'M'))).toMatchObject({
      code: 'iot.common.InvalidFormattedParameter',
      status: 400,
    });
  });

  it('should refuse JSON that does not parse, or is not an object where one is wanted', () => {
    expect(json(params('J=%5B1%5D'), 'J')).toEqual([1]);
    expect(refusal(() => json(params('J=%7B'), 'J'))).toMatchObject({ message: 'J must be JSON' });
    expect(refusal(() => jsonObject(params('J=%5B1%5D'), 'J'))).toMatchObject({
      message: 'J must be a JSON object',
    });
  });

  it('should check ranges and flags, with defaults for missing ones', () => {
    expect(integer(params(''), 'Timeout', 1000, 8000, 8000)).toBe(8000);
    expect(refusal(() => integer(params('Timeout=9000'), 'Timeout', 1000, 8000, 8000))).toMatchObject({
      message: 'Timeout must be a whole number from 1000 to 8000, got "9000"',
    });
    expect(flag(params('D=true'), 'D', false)).toBe(true);
    expect(flag(params(''), 'D', false)).toBe(false);
    expect(refusal(() => flag(params('D=yes'), 'D', false))).toMatchObject({
      message: 'D must be true or false, got "yes"',
    });
  });
});
