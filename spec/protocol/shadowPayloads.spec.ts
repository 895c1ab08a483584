import * as E from 'fp-ts/Either';
import {
  ShadowControl,
  shadowControlPayload,
  shadowDeletePayload,
  shadowErrorPayload,
  ShadowReply,
  shadowReplyPayload,
  shadowUpdatePayload,
} from '../../lib/protocol';

describe('shadow payloads', () => {
  it('should write the device requests as the platform has them', () => {
    expect(shadowUpdatePayload({ reported: { color: 'red' } }, 3)).toEqual({
      method: 'update',
      state: { reported: { color: 'red' } },
      version: 3,
    });
    expect(shadowUpdatePayload({ desired: 'null' }, 4)).toEqual({
      method: 'update',
      state: { desired: 'null' },
      version: 4,
    });
    expect(shadowDeletePayload(['a', 'b'], 5)).toEqual({
      method: 'delete',
      state: { reported: { a: 'null', b: 'null' } },
      version: 5,
    });
    expect(shadowDeletePayload('all', 6)).toEqual({
      method: 'delete',
      state: { reported: 'null' },
      version: 6,
    });
  });

  it('should read the cloud replies it writes, and leniently: a version as a string', () => {
    const document = {
      state: { desired: { a: 1 } },
      metadata: { desired: { a: { timestamp: 1 } } },
      version: 2,
      timestamp: 1,
    };
    expect(E.isRight(ShadowReply.decode(shadowReplyPayload(1, 2, document)))).toBe(true);
    expect(E.isRight(ShadowReply.decode(shadowReplyPayload(1, 2)))).toBe(true);
    expect(ShadowReply.decode(shadowErrorPayload(1, 409, 'version conflict'))).toEqual(
      E.right({
        method: 'reply',
        payload: { status: 'error', content: { errorcode: 409, errormessage: 'version conflict' } },
        timestamp: 1,
      }),
    );
    expect(ShadowReply.decode({ method: 'reply', payload: { status: 'success', version: '7' } })).toEqual(
      E.right({ method: 'reply', payload: { status: 'success', version: 7 } }),
    );
    expect(E.isRight(ShadowControl.decode(shadowControlPayload(document)))).toBe(true);
  });

  it.each<unknown>([
    { method: 'control', payload: { status: 'success' } },
    { method: 'reply', payload: {} },
    { method: 'reply', payload: { status: 'success', state: { desired: 'x' } } },
  ])('should refuse %p', (payload) => {
    expect(E.isLeft(ShadowReply.decode(payload)) && E.isLeft(ShadowControl.decode(payload))).toBe(true);
  });
});
