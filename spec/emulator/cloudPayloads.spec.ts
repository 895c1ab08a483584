import { encodePayload } from '../../lib/emulator/cloudPayloads';

describe('encodePayload', () => {
  it.each([
    ['a string as UTF-8', 'héllo', Buffer.from('héllo', 'utf8')],
    ['bytes as they are', new Uint8Array([1, 2, 3]), Buffer.from([1, 2, 3])],
    ['a Buffer as it is', Buffer.from('raw'), Buffer.from('raw')],
    ['an object as JSON', { id: '1', params: { a: 1 } }, Buffer.from('{"id":"1","params":{"a":1}}')],
    ['an array as JSON', [1, 'x'], Buffer.from('[1,"x"]')],
  ])('should encode %s', (_, payload, expected) => {
    expect(encodePayload(payload)).toEqual(expected);
  });

  it('should encode only the view of a larger buffer', () => {
    const view = new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2);
    expect(encodePayload(view)).toEqual(Buffer.from([1, 2]));
  });
});
