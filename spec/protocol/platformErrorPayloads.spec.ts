import * as E from 'fp-ts/Either';
import { PlatformErrorPayload, platformErrorPayload } from '../../lib/protocol';

describe('PlatformErrorPayload', () => {
  it.each<[unknown, unknown]>([
    [
      { id: '123', code: 520, message: 'device session error' },
      { id: '123', code: 520, message: 'device session error' },
    ],
    [
      { id: 123, code: '520' },
      { id: '123', code: 520 },
    ],
    [
      { code: 6401, data: { productKey: 'pk' } },
      { code: 6401, data: { productKey: 'pk' } },
    ],
  ])('should decode %p', (payload, expected) => {
    expect(PlatformErrorPayload.decode(payload)).toEqual(E.right(expected));
  });

  it.each<unknown>([{}, { code: 'bad' }, { code: 520, id: 'x' }, 'error'])('should refuse %p', (payload) => {
    expect(E.isLeft(PlatformErrorPayload.decode(payload))).toBe(true);
  });

  it('should build what it decodes', () => {
    const payload = platformErrorPayload({ code: 520, message: 'device session error', id: '7' });
    expect(payload).toEqual({ id: '7', code: 520, message: 'device session error' });
    expect(PlatformErrorPayload.decode(payload)).toEqual(E.right(payload));
  });
});
