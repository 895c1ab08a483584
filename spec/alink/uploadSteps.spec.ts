import * as E from 'fp-ts/Either';
import { TestScheduler } from 'rxjs/testing';
import { byteChunks, resending, streamChunks, UnusableContent } from '../../lib/alink/uploadSteps';
import type { RequestFailure } from '../../lib/alink/RequestFailure';

const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const plan = (offset: number, length: number, last: boolean) => ({
  offset,
  bytes: bytes(length, offset),
  last,
});
const timeout: RequestFailure = { _tag: 'TimeoutFailure', topic: 't', timeoutMs: 10 };

describe('byteChunks', () => {
  it.each<[string, number, number, number, ReturnType<typeof plan>[]]>([
    [
      'a file in whole chunks and a short last',
      700,
      0,
      256,
      [plan(0, 256, false), plan(256, 256, false), plan(512, 188, true)],
    ],
    ['a file of exactly two chunks', 512, 0, 256, [plan(0, 256, false), plan(256, 256, true)]],
    ['a file smaller than a chunk', 10, 0, 256, [plan(0, 10, true)]],
    ['the rest of a file from an offset', 700, 300, 256, [plan(300, 256, false), plan(556, 144, true)]],
  ])('should cut %s', (_, size, start, chunkBytes, expected) => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const values = Object.fromEntries(expected.map((c, i) => [String.fromCharCode(97 + i), c]));
      const marbles = `(${Object.keys(values).join('')}|)`;
      expectObservable(byteChunks(bytes(size), start, chunkBytes)).toBe(marbles, values);
    });
  });

  it('should fail with UnusableContent when the platform has all the bytes or more', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      expectObservable(byteChunks(bytes(10), 10, 256)).toBe('#', undefined, expect.any(UnusableContent));
    });
  });
});

describe('streamChunks', () => {
  it('should cut pieces into chunks as they come, skip the bytes before the offset, and end with the rest', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const stream = cold('-a-b-|', { a: bytes(200), b: bytes(400, 200) });
      expectObservable(streamChunks(stream, 100, 256)).toBe('---b-(c|)', {
        b: plan(100, 256, false),
        c: plan(356, 244, true),
      });
    });
  });

  it('should end with an empty last chunk when the stream ends on a chunk boundary', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      expectObservable(streamChunks(cold('-a|', { a: bytes(256) }), 0, 256)).toBe('-a(b|)', {
        a: plan(0, 256, false),
        b: plan(256, 0, true),
      });
    });
  });

  it.each<[string, string, number, string, RegExp]>([
    ['errors', '-#', 0, '-#', /the content stream failed: boom/],
    ['ends before the offset', '-a|', 500, '--#', /has 500 bytes of this file, which has only 256/],
  ])('should fail with UnusableContent when the stream %s', (_, marbles, start, expected, message) => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const stream = cold(marbles, { a: bytes(256) }, new Error('boom'));
      expectObservable(streamChunks(stream, start, 256)).toBe(
        expected,
        undefined,
        expect.objectContaining({ name: 'UnusableContent', message: expect.stringMatching(message) }),
      );
    });
  });
});

describe('resending', () => {
  it('should subscribe again while the failure is worth it, up to the retries, then give the last failure', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const attempt = cold('-(f|)', { f: E.left(timeout) });
        expectObservable(resending(2, () => true, attempt)).toBe('---(f|)', { f: E.left(timeout) });
        expectSubscriptions(attempt.subscriptions).toBe(['^!', '-^!', '--^!']);
      },
    );
  });

  it('should give a result or a failure not worth another try at once', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const ok = cold('-(r|)', { r: E.right(1) });
        expectObservable(resending(3, () => true, ok)).toBe('-(r|)', { r: E.right(1) });
        const refused = cold('-(f|)', { f: E.left(timeout) });
        expectObservable(resending(3, () => false, refused)).toBe('-(f|)', { f: E.left(timeout) });
        expectSubscriptions(refused.subscriptions).toBe('^!');
      },
    );
  });
});
