import { encodePayload } from '../../lib/connection/messages';

type Messages = typeof import('../../lib/connection/messages');

describe('encodePayload', () => {
  it.each<[string, Parameters<typeof encodePayload>[0], string]>([
    ['a string as UTF-8', 'grüß ✓', 'grüß ✓'],
    ['an object as JSON', { a: [1, null, 'ü'] }, '{"a":[1,null,"ü"]}'],
    ['a number as JSON', 42, '42'],
    ['a JSON string literal given as its JSON', JSON.stringify('x'), '"x"'],
  ])('should encode %s', (_, payload, text) => {
    expect(Buffer.from(encodePayload(payload)).toString('utf8')).toBe(text);
  });

  it('should pass a Buffer as it is and view other bytes as a Buffer without copying them', () => {
    const buffer = Buffer.from([1, 2, 3]);
    expect(encodePayload(buffer)).toBe(buffer);
    const bytes = new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4);
    const encoded = encodePayload(bytes);
    expect(Buffer.isBuffer(encoded)).toBe(true);
    expect(encoded.buffer).toBe(bytes.buffer);
    expect([...encoded]).toEqual([1, 2, 3]);
  });

  // As in a browser: MQTT.js's browser build takes plain Uint8Arrays.
  it('should give plain Uint8Arrays where there is no Buffer', () => {
    const saved = globalThis.Buffer;
    let withoutBuffer: typeof encodePayload | undefined;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      jest.isolateModules(() => {
        // Loaded again, so that it looks for Buffer again: an ES import is loaded once.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh: Messages = require('../../lib/connection/messages');
        withoutBuffer = fresh.encodePayload;
      });
      const bytes = new Uint8Array([7, 8]);
      const encoded = [withoutBuffer!('grüß'), withoutBuffer!({ a: 1 }), withoutBuffer!(bytes)] as const;
      expect(encoded.map((e) => e.constructor)).toEqual([Uint8Array, Uint8Array, Uint8Array]);
      expect(encoded[2]).toBe(bytes);
      expect([...encoded[0]]).toEqual([...saved.from('grüß', 'utf8')]);
      expect(new TextDecoder().decode(encoded[1])).toBe('{"a":1}');
    } finally {
      globalThis.Buffer = saved;
    }
  });
});
