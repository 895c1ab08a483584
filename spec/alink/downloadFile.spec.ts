import * as E from 'fp-ts/Either';
import { Observable, of, Subject, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { downloadFile, type DownloadFileOptions } from '../../lib/alink/downloadFile';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import { encodeDownloadBlock, type DownloadBlock } from '../../lib/protocol';
import { fakeAlinkDevice, topics } from '../support/fakeAlinkDevice';

/** A request as the cloud reads it, and the virtual time it was published at. */
interface Asked {
  readonly at: number;
  readonly id: string;
  readonly offset: number;
  readonly size: number;
  readonly json: { params: Record<string, unknown> } & Record<string, unknown>;
  readonly qos: unknown;
}

/** What the cloud answers a request: frames (each after `delayMs`, default 1), or none. */
type Answer = { readonly frame: Buffer; readonly delayMs?: number }[];

/** The same bytes every run. */
const file = (length: number) => Buffer.from(Array.from({ length }, (_, n) => (n * 7 + 3) % 251));
const content = file(12_000);

/** The block the platform gives for a request: the bytes asked for, clamped to the file. */
const blockFor = (asked: Asked, more: Partial<DownloadBlock> = {}): Buffer =>
  encodeDownloadBlock({
    id: asked.id,
    offset: asked.offset,
    fileLength: content.length,
    bytes: content.subarray(asked.offset, asked.offset + asked.size),
    ...more,
  });

/** The frame with its CRC's high byte flipped. */
const corrupt = (frame: Buffer) => {
  frame.writeUInt8(frame.readUInt8(frame.length - 1) ^ 0xff, frame.length - 1);
  return frame;
};

function fakeCloud(scheduler: TestScheduler, answer: (asked: Asked, seen: readonly Asked[]) => Answer) {
  const replies = new Subject<InboundMessage>();
  let observers = 0;
  const counts: number[] = [];
  const asked: Asked[] = [];
  const { device, calls } = fakeAlinkDevice({
    observed: () =>
      new Observable<InboundMessage>((subscriber) => {
        observers += 1;
        counts.push(observers);
        const subscription = replies.subscribe(subscriber);
        return () => {
          observers -= 1;
          counts.push(observers);
          subscription.unsubscribe();
        };
      }),
    published: ({ topic, payload, qos }: OutboundMessage) => {
      expect(topic).toBe(topics.fileDownload);
      const json = JSON.parse(String(payload)) as Asked['json'] & { id: string };
      const { fileBlock } = json.params as { fileBlock: { offset: number; size: number } };
      const request = { at: scheduler.now(), id: json.id, ...fileBlock, json, qos };
      asked.push(request);
      for (const { frame, delayMs = 1 } of answer(request, asked)) {
        timer(delayMs).subscribe(() =>
          replies.next({
            topic: topics.fileDownloadReply,
            payload: frame,
            qos: 1,
            retain: false,
            dup: false,
          }),
        );
      }
      return of({ topic, qos: 1 as const, bytes: 1 });
    },
  });
  return { device, calls, asked, counts, observers: () => observers, replies };
}

const platform = (asked: Asked): Answer => [{ frame: blockFor(asked) }];
const block = (offset: number, length: number) =>
  E.right({
    _tag: 'DownloadedBlock',
    offset,
    bytes: content.subarray(offset, offset + length),
    fileLength: content.length,
  });

describe('downloadFile', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const options: DownloadFileOptions = { streamId: 1397345, fileId: 1, size: content.length };
  const download = (device: Parameters<typeof downloadFile>[0], more: Partial<DownloadFileOptions> = {}) =>
    downloadFile(device, { ...options, ...more });

  it('should ask for 5120-byte blocks one at a time, each after the last came, and emit them in order', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform);
      expectObservable(download(cloud.device)).toBe('-ab(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
      testScheduler.flush();
      expect(cloud.asked.map(({ at, offset, size }) => [at, offset, size])).toEqual([
        [0, 0, 5120],
        [1, 5120, 5120],
        [2, 10_240, 1760],
      ]);
      expect(cloud.asked[0]?.json).toEqual({
        id: cloud.asked[0]?.id,
        version: '1.0',
        params: { fileInfo: { streamId: 1397345, fileId: 1 }, fileBlock: { size: 5120, offset: 0 } },
      });
      expect(new Set(cloud.asked.map((a) => a.id)).size).toBe(3);
      expect(cloud.asked.every((a) => a.qos === 1)).toBe(true);
      expect(cloud.observers()).toBe(0);
    });
  });

  it('should hold the reply topic for the whole download, so that it is not subscribed again per block', () => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform);
      download(cloud.device).subscribe();
      testScheduler.flush();
      expect(cloud.calls[0]).toBe(`observe ${topics.fileDownloadReply} qos 1`);
      // Observers of the reply topic after each change: the download's own never lets it fall to 0 between blocks.
      expect(cloud.counts.indexOf(0)).toBe(cloud.counts.length - 1);
      expect(cloud.counts.length).toBeGreaterThan(4);
    });
  });

  it('should start at offset, with the block size, token and qos given', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform);
      const more = { offset: 11_000, blockBytes: 600, fileToken: 'default', qos: 0 as const };
      expectObservable(download(cloud.device, more)).toBe('-a(b|)', {
        a: block(11_000, 600),
        b: block(11_600, 400),
      });
      testScheduler.flush();
      expect(cloud.asked.map((a) => [a.offset, a.size, a.qos, a.json.params['fileToken']])).toEqual([
        [11_000, 600, 0, 'default'],
        [11_600, 400, 0, 'default'],
      ]);
    });
  });

  it('should follow a block shorter than asked, going on from its end', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked) => [
        { frame: blockFor({ ...asked, size: Math.min(asked.size, 4000) }) },
      ]);
      expectObservable(download(cloud.device)).toBe('-ab(c|)', {
        a: block(0, 4000),
        b: block(4000, 4000),
        c: block(8000, 4000),
      });
    });
  });

  it('should complete at once, asking nothing, when the offset is the size', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform);
      expectObservable(download(cloud.device, { offset: content.length })).toBe('|');
      testScheduler.flush();
      expect(cloud.asked).toEqual([]);
    });
  });

  it('should ask again for a block whose reply does not come in time, then go on', () => {
    testScheduler.run(({ expectObservable }) => {
      // The first try of the second block is never answered.
      const cloud = fakeCloud(testScheduler, (asked, seen) => (seen.length === 2 ? [] : platform(asked)));
      expectObservable(download(cloud.device, { timeoutMs: 100 })).toBe('-a 100ms b(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
      testScheduler.flush();
      expect(cloud.asked.map((a) => [a.at, a.offset])).toEqual([
        [0, 0],
        [1, 5120],
        [101, 5120],
        [102, 10_240],
      ]);
      expect(cloud.asked[1]?.id).not.toBe(cloud.asked[2]?.id);
    });
  });

  it('should fail with a TimeoutFailure once the retries are spent, 1 + 3 tries by default', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, () => []);
      expectObservable(download(cloud.device)).toBe('40000ms (a|)', {
        a: E.left(
          expect.objectContaining({ _tag: 'TimeoutFailure', topic: topics.fileDownload, timeoutMs: 10_000 }),
        ),
      });
      testScheduler.flush();
      expect(cloud.asked.map((a) => [a.at, a.offset])).toEqual([
        [0, 0],
        [10_000, 0],
        [20_000, 0],
        [30_000, 0],
      ]);
      expect(cloud.observers()).toBe(0);
    });
  });

  it('should ask again at once for a block whose CRC-16 is wrong', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked, seen) =>
        seen.length === 1 ? [{ frame: corrupt(blockFor(asked)) }] : platform(asked),
      );
      expectObservable(download(cloud.device)).toBe('--ab(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
      testScheduler.flush();
      expect(cloud.asked.map((a) => [a.at, a.offset])).toEqual([
        [0, 0],
        [1, 0],
        [2, 5120],
        [3, 10_240],
      ]);
    });
  });

  it('should fail with a DownloadBlockFailure when every try of a block is corrupt', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked) => [{ frame: corrupt(blockFor(asked)) }]);
      expectObservable(download(cloud.device, { retries: 1 })).toBe('--(a|)', {
        a: E.left({
          _tag: 'DownloadBlockFailure',
          topic: topics.fileDownload,
          offset: 0,
          problem: 'checksum',
          message: 'the block at 0 fails its CRC-16',
        }),
      });
    });
  });

  it('should ask again at once for an unreadable reply with its id, and pass over one with no id', () => {
    testScheduler.run(({ expectObservable }) => {
      const unreadable = (id: string) => {
        const header = Buffer.from(JSON.stringify({ id, code: 200 }));
        return Buffer.concat([Buffer.from([0, header.length]), header, Buffer.alloc(2)]);
      };
      const cloud = fakeCloud(testScheduler, (asked, seen) =>
        seen.length === 1
          ? [{ frame: Buffer.from([0, 1, 2]) }, { frame: unreadable(asked.id), delayMs: 2 }]
          : platform(asked),
      );
      expectObservable(download(cloud.device)).toBe('---ab(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
      testScheduler.flush();
      expect(cloud.asked.map((a) => [a.at, a.offset])).toEqual([
        [0, 0],
        [2, 0],
        [3, 5120],
        [4, 10_240],
      ]);
    });
  });

  it('should pass over a late reply at another offset, and one with an id not its own', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked, seen) =>
        seen.length === 2
          ? [
              // A duplicate of the first block, then a block at the right offset for another download.
              { frame: blockFor(seen[0]!) },
              { frame: blockFor({ ...asked, id: '999999' }) },
              { frame: blockFor(asked), delayMs: 5 },
            ]
          : platform(asked),
      );
      expectObservable(download(cloud.device)).toBe('-a----b(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
    });
  });

  it('should take a late reply to an earlier try of the same block', () => {
    testScheduler.run(({ expectObservable }) => {
      // The first try's reply comes after its timeout, while the second try waits.
      const cloud = fakeCloud(testScheduler, (asked, seen) =>
        seen.length === 1
          ? [{ frame: blockFor(asked), delayMs: 150 }]
          : seen.length === 2
            ? []
            : platform(asked),
      );
      expectObservable(download(cloud.device, { timeoutMs: 100 })).toBe('150ms a b(c|)', {
        a: block(0, 5120),
        b: block(5120, 5120),
        c: block(10_240, 1760),
      });
    });
  });

  it('should fail with a ReplyFailure, not asking again, when the platform refuses', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked) => [
        { frame: encodeDownloadBlock({ id: asked.id, code: 400, message: 'no such stream' }) },
      ]);
      expectObservable(download(cloud.device)).toBe('-(a|)', {
        a: E.left({
          _tag: 'ReplyFailure',
          topic: topics.fileDownload,
          id: expect.any(String),
          code: 400,
          message: 'no such stream',
        }),
      });
      testScheduler.flush();
      expect(cloud.asked).toHaveLength(1);
    });
  });

  it('should fail when the platform says the file has another length', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked) => [{ frame: blockFor(asked, { fileLength: 99_999 }) }]);
      expectObservable(download(cloud.device)).toBe('-(a|)', {
        a: E.left(
          expect.objectContaining({ _tag: 'DownloadBlockFailure', problem: 'fileLength', offset: 0 }),
        ),
      });
    });
  });

  it('should forget the download when unsubscribed: no more requests, the reply topic released', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, (asked) => [{ frame: blockFor(asked), delayMs: 10 }]);
      expectObservable(download(cloud.device), '15ms !').toBe('10ms a', { a: block(0, 5120) });
      testScheduler.flush();
      expect(cloud.asked.map((a) => a.offset)).toEqual([0, 5120]);
      expect(cloud.observers()).toBe(0);
    });
  });

  it.each<[string, Partial<DownloadFileOptions>]>([
    ['a block of 0 bytes', { blockBytes: 0 }],
    ['a block over 128 KiB', { blockBytes: 131_073 }],
    ['an offset past the size', { offset: 12_001 }],
    ['a negative size', { size: -1 }],
    ['a fractional stream id', { streamId: 1.5 }],
    ['no time to wait', { timeoutMs: 0 }],
    ['negative retries', { retries: -1 }],
  ])('should throw a RangeError at the call for %s', (_, more) => {
    const cloud = fakeCloud(testScheduler, platform);
    expect(() => download(cloud.device, more)).toThrow(RangeError);
  });
});
