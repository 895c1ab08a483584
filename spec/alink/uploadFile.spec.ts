import * as E from 'fp-ts/Either';
import { from, Observable, of, Subject, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { cancelUpload, uploadFile, type UploadFileOptions } from '../../lib/alink/uploadFile';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import { crc64, decodeUploadChunk, FILE_UPLOAD_CODES, type UploadChunkParams } from '../../lib/protocol';
import { fakeAlinkDevice, inbound, topics } from '../support/fakeAlinkDevice';

/** A request as the cloud reads it, and the virtual time it was published at. */
interface JsonRequest {
  kind: 'init' | 'cancel';
  at: number;
  id: string;
  params: Record<string, unknown>;
  qos: unknown;
}
type Request =
  | JsonRequest
  | {
      kind: 'send';
      at: number;
      id: string;
      params: UploadChunkParams;
      bytes: Uint8Array;
      checksumMatches: boolean;
      qos: unknown;
    };
type Send = Exclude<Request, JsonRequest>;
const paramsOf = (request: Request | undefined) => (request as JsonRequest).params;

/** What the cloud answers: a code and data after `delayMs` (default 1), or nothing. */
type Answer = { readonly code: number; readonly data?: unknown; readonly delayMs?: number } | undefined;

const REPLY_TOPICS: Record<string, string> = {
  [topics.fileUploadInit]: topics.fileUploadInitReply,
  [topics.fileUploadSend]: topics.fileUploadSendReply,
  [topics.fileUploadCancel]: topics.fileUploadCancelReply,
};
const KINDS: Record<string, 'init' | 'send' | 'cancel'> = {
  [topics.fileUploadInit]: 'init',
  [topics.fileUploadSend]: 'send',
  [topics.fileUploadCancel]: 'cancel',
};

/** The same bytes every run, no two neighbours alike. */
const file = (length: number) => Uint8Array.from({ length }, (_, n) => (n * 7 + 3) % 251);
const concatBytes = (parts: readonly Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

/** The cloud side of an upload: each request read as the platform would, answered with `answer`. */
function fakeCloud(scheduler: TestScheduler, answer: (request: Request, seen: readonly Request[]) => Answer) {
  const replies = new Map<string, Subject<InboundMessage>>();
  const replyStream = (filter: string) => {
    if (!replies.has(filter)) replies.set(filter, new Subject());
    return replies.get(filter)!;
  };
  const active = new Map<string, number>();
  /** Each time a filter's observers went up or down: `filter count`. */
  const observers: string[] = [];
  const count = (filter: string, by: number) => {
    active.set(filter, (active.get(filter) ?? 0) + by);
    observers.push(`${filter} ${active.get(filter)}`);
  };
  const requests: Request[] = [];
  const read = ({ topic, payload, qos }: OutboundMessage): Request => {
    const kind = KINDS[topic]!;
    const at = scheduler.now();
    if (kind !== 'send') {
      const json = JSON.parse(String(payload)) as { id: string; params: Record<string, unknown> };
      expect(Object.keys(json)).toEqual(['id', 'params']);
      return { kind, at, id: json.id, params: json.params, qos };
    }
    const chunk = decodeUploadChunk(payload as Uint8Array);
    if (E.isLeft(chunk)) throw new Error(chunk.left.reason);
    return { kind, at, qos, ...chunk.right };
  };
  const { device, calls } = fakeAlinkDevice({
    observed: (filter) =>
      new Observable<InboundMessage>((subscriber) => {
        count(filter, 1);
        const subscription = replyStream(filter).subscribe(subscriber);
        return () => {
          count(filter, -1);
          subscription.unsubscribe();
        };
      }),
    published: (message) => {
      const request = read(message);
      requests.push(request);
      const reply = answer(request, requests);
      const replyTopic = REPLY_TOPICS[message.topic]!;
      if (reply !== undefined) {
        const { code, data = {}, delayMs = 1 } = reply;
        const payload = { id: request.id, code, message: code === 200 ? 'success' : 'failed', data };
        timer(delayMs).subscribe(() => replyStream(replyTopic).next(inbound(replyTopic, payload)));
      }
      return of({ topic: message.topic, qos: 1 as const, bytes: 1 });
    },
  });
  const sends = () => requests.filter((r): r is Send => r.kind === 'send');
  const stillObserved = () => [...active].filter(([, n]) => n > 0).map(([filter]) => filter);
  return { device, calls, requests, sends, observers, stillObserved };
}

/** The platform: the init creates `up1` (with `offset` when it resumes), each chunk is stored. */
function platform({ offset }: { offset?: number } = {}) {
  let fileSize = 0;
  return (request: Request): Answer => {
    if (request.kind !== 'send') {
      if (request.kind === 'cancel') return { code: 200, data: { uploadId: request.params['uploadId'] } };
      fileSize = request.params['fileSize'] as number;
      return { code: 200, data: { fileName: request.params['fileName'], uploadId: 'up1', offset } };
    }
    const { offset: at, bSize, isComplete } = request.params;
    const complete = fileSize === -1 ? isComplete === true : at + bSize === fileSize;
    const end = complete ? { complete: true, ficMode: 'crc64', ficValueServer: 'f00d' } : {};
    return { code: 200, data: { uploadId: 'up1', offset: at, bSize, ...end } };
  };
}

const progress = (uploadedBytes: number, fileSize: number | undefined, more: object = {}) =>
  E.right({
    _tag: 'UploadProgress',
    uploadId: 'up1',
    fileName: 'app.log',
    uploadedBytes,
    fileSize,
    complete: false,
    ...more,
  });
/** The last progress, with the fake platform's CRC-64. */
const done = (size: number) => progress(size, size, { complete: true, ficValueServer: 'f00d' });

describe('uploadFile', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const content = file(5000);
  const upload = (device: Parameters<typeof uploadFile>[0], options: Partial<UploadFileOptions> = {}) =>
    uploadFile(device, { fileName: 'app.log', content, ...options });

  it('should send the bytes in 2048-byte chunks, each after the last one is answered, and emit the progress', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform());
      expectObservable(upload(cloud.device)).toBe('-abc(d|)', {
        a: progress(0, 5000),
        b: progress(2048, 5000),
        c: progress(4096, 5000),
        d: done(5000),
      });
      testScheduler.flush();
      const sends = cloud.sends();
      expect(sends.map(({ at, params }) => [at, params])).toEqual([
        [1, { uploadId: 'up1', offset: 0, bSize: 2048, isComplete: false }],
        [2, { uploadId: 'up1', offset: 2048, bSize: 2048, isComplete: false }],
        [3, { uploadId: 'up1', offset: 4096, bSize: 904, isComplete: true }],
      ]);
      expect(sends.every((send) => send.checksumMatches)).toBe(true);
      expect(concatBytes(sends.map((send) => send.bytes))).toEqual(content);
      expect(cloud.requests.map((r) => r.qos)).toEqual([1, 1, 1, 1]);
      expect(new Set(cloud.requests.map((r) => r.id)).size).toBe(4);
      expect(cloud.stillObserved()).toEqual([]);
    });
  });

  it('should ask init for the file with its size, its crc64 as ficValue, and a fresh initUid', () => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform());
      upload(cloud.device).subscribe();
      upload(cloud.device).subscribe();
      testScheduler.flush();
      const [first, second] = cloud.requests.filter((r) => r.kind === 'init');
      expect(first?.params).toEqual({
        fileName: 'app.log',
        fileSize: 5000,
        conflictStrategy: 'overwrite',
        ficMode: 'crc64',
        ficValue: crc64(content),
        initUid: expect.stringMatching(/^[0-9a-f]{15}$/),
      });
      expect(paramsOf(second)['initUid']).not.toBe(paramsOf(first)['initUid']);
    });
  });

  it('should pass the initUid and extraParams given, and no ficMode when checkIntegrity is false', () => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform());
      const extraParams = { ossOwnerType: 'device-user', serviceId: 's1', fileTag: { k: 'v' } };
      upload(cloud.device, {
        checkIntegrity: false,
        initUid: 'task7',
        extraParams,
        conflictStrategy: 'reject',
      }).subscribe();
      testScheduler.flush();
      expect(cloud.requests[0]?.params).toEqual({
        fileName: 'app.log',
        fileSize: 5000,
        conflictStrategy: 'reject',
        initUid: 'task7',
        extraParams,
      });
    });
  });

  it('should send an init that is not answered in time again, the same initUid under a new id', () => {
    testScheduler.run(() => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request, seen) =>
        request.kind === 'init' && seen.length === 1 ? undefined : stored(request),
      );
      const values: unknown[] = [];
      upload(cloud.device, { timeoutMs: 10, chunkBytes: 4096 }).subscribe((v) => values.push(v));
      testScheduler.flush();
      const [first, second] = cloud.requests;
      expect([first?.kind, first?.at, second?.kind, second?.at]).toEqual(['init', 0, 'init', 10]);
      expect(second?.params).toEqual(first?.params);
      expect(second?.id).not.toBe(first?.id);
      expect(values.at(-1)).toEqual(done(5000));
    });
  });

  it("should resume from the init's offset with append, sending only the rest", () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform({ offset: 2048 }));
      expectObservable(upload(cloud.device, { conflictStrategy: 'append' })).toBe('-ab(c|)', {
        a: progress(2048, 5000),
        b: progress(4096, 5000),
        c: done(5000),
      });
      testScheduler.flush();
      expect(paramsOf(cloud.requests[0])['conflictStrategy']).toBe('append');
      expect(cloud.sends().map((s) => s.params.offset)).toEqual([2048, 4096]);
      expect(concatBytes(cloud.sends().map((s) => s.bytes))).toEqual(content.subarray(2048));
    });
  });

  it('should send a chunk again under a new id when the platform finds its CRC wrong (78121)', () => {
    testScheduler.run(() => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request, seen) =>
        request.kind === 'send' && seen.length === 2
          ? { code: FILE_UPLOAD_CODES.chunkChecksumMismatch }
          : stored(request),
      );
      const values: unknown[] = [];
      upload(cloud.device).subscribe((v) => values.push(v));
      testScheduler.flush();
      const sends = cloud.sends();
      expect(sends.map((s) => s.params.offset)).toEqual([0, 0, 2048, 4096]);
      expect(sends[1]?.bytes).toEqual(sends[0]?.bytes);
      expect(sends[1]?.id).not.toBe(sends[0]?.id);
      expect(values).toEqual([progress(0, 5000), progress(2048, 5000), progress(4096, 5000), done(5000)]);
    });
  });

  it('should count a chunk the platform already has (78126) as stored and go on', () => {
    testScheduler.run(({ expectObservable }) => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) =>
        request.kind === 'send' && request.params.offset === 2048
          ? { code: FILE_UPLOAD_CODES.duplicateChunk }
          : stored(request),
      );
      expectObservable(upload(cloud.device)).toBe('-abc(d|)', {
        a: progress(0, 5000),
        b: progress(2048, 5000),
        c: progress(4096, 5000),
        d: done(5000),
      });
      testScheduler.flush();
      expect(cloud.sends().map((s) => s.params.offset)).toEqual([0, 2048, 4096]);
    });
  });

  it('should take 78124 to the last chunk as the file finished (its reply was lost), and to another as a failure', () => {
    testScheduler.run(({ expectObservable }) => {
      const stored = platform();
      const finishedAtEnd = fakeCloud(testScheduler, (request) =>
        request.kind === 'send' && request.params.offset === 4096
          ? { code: FILE_UPLOAD_CODES.uploadFinished }
          : stored(request),
      );
      expectObservable(upload(finishedAtEnd.device)).toBe('-abc(d|)', {
        a: progress(0, 5000),
        b: progress(2048, 5000),
        c: progress(4096, 5000),
        // No CRC-64 of the platform's: the reply that had it was lost.
        d: progress(5000, 5000, { complete: true }),
      });
      const again = platform();
      const finishedEarly = fakeCloud(testScheduler, (request) =>
        request.kind === 'send' && request.params.offset === 2048
          ? { code: FILE_UPLOAD_CODES.uploadFinished }
          : again(request),
      );
      expectObservable(upload(finishedEarly.device)).toBe('-ab(c|)', {
        a: progress(0, 5000),
        b: progress(2048, 5000),
        c: E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: FILE_UPLOAD_CODES.uploadFinished })),
      });
    });
  });

  it('should send a chunk whose reply does not come in time again, and give a TimeoutFailure after the retries', () => {
    testScheduler.run(({ expectObservable }) => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) =>
        request.kind === 'send' ? undefined : stored(request),
      );
      expectObservable(upload(cloud.device, { timeoutMs: 10, retries: 2 })).toBe('-a 29ms (t|)', {
        a: progress(0, 5000),
        t: E.left({
          _tag: 'TimeoutFailure',
          topic: topics.fileUploadSend,
          id: expect.any(String),
          timeoutMs: 10,
        }),
      });
      testScheduler.flush();
      const sends = cloud.sends();
      expect(sends.map((s) => [s.at, s.params.offset])).toEqual([
        [1, 0],
        [11, 0],
        [21, 0],
      ]);
      expect(new Set(sends.map((s) => s.id)).size).toBe(3);
      // A failed request leaves the upload to be resumed: no cancel.
      expect(cloud.requests.filter((r) => r.kind === 'cancel')).toEqual([]);
      expect(cloud.stillObserved()).toEqual([]);
    });
  });

  it('should resend 5 times by default, 10 s apart', () => {
    testScheduler.run(() => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) =>
        request.kind === 'send' ? undefined : stored(request),
      );
      upload(cloud.device).subscribe();
      testScheduler.flush();
      expect(cloud.sends().map((s) => s.at)).toEqual([1, 10_001, 20_001, 30_001, 40_001, 50_001]);
    });
  });

  it.each([
    ['a chunk', 'send', topics.fileUploadSend, FILE_UPLOAD_CODES.offsetMismatch],
    ['the init', 'init', topics.fileUploadInit, FILE_UPLOAD_CODES.fileExists],
  ])('should end with a ReplyFailure when %s is answered with another code', (_, kind, topic, code) => {
    testScheduler.run(() => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) =>
        request.kind === kind ? { code } : stored(request),
      );
      const values: unknown[] = [];
      upload(cloud.device).subscribe({ next: (v) => values.push(v), complete: () => values.push('|') });
      testScheduler.flush();
      expect(values.slice(-2)).toEqual([
        E.left({ _tag: 'ReplyFailure', topic, id: expect.any(String), code, message: 'failed', data: {} }),
        '|',
      ]);
      expect(cloud.requests.filter((r) => r.kind === kind)).toHaveLength(1);
      expect(cloud.requests.filter((r) => r.kind === 'cancel')).toEqual([]);
    });
  });

  it('should end with a DecodeError for a reply whose data does not fit, and a PublishFailure for a failed publish', () => {
    testScheduler.run(() => {
      const stored = platform();
      const decoding = fakeCloud(testScheduler, (request) =>
        request.kind === 'send'
          ? { code: 200, data: { uploadId: 'up1', offset: 'not a number' } }
          : stored(request),
      );
      const values: unknown[] = [];
      upload(decoding.device).subscribe((v) => values.push(v));
      const { device } = fakeAlinkDevice({
        observed: () => new Subject<InboundMessage>(),
        published: () => throwError(() => new Error('socket gone')),
      });
      upload(device).subscribe((v) => values.push(v));
      testScheduler.flush();
      expect(values).toEqual([
        E.left({ _tag: 'PublishFailure', topic: topics.fileUploadInit, error: new Error('socket gone') }),
        progress(0, 5000),
        E.left(expect.objectContaining({ _tag: 'DecodeError', topic: topics.fileUploadSendReply })),
      ]);
    });
  });

  it('should cut a stream into chunks as it comes, with fileSize -1, no ficMode, and isComplete on the last', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const cloud = fakeCloud(testScheduler, platform());
      const pieces = [file(1000), file(1500), file(2500)];
      const stream = cold('-a-b-(c|)', { a: pieces[0]!, b: pieces[1]!, c: pieces[2]! });
      expectObservable(upload(cloud.device, { content: stream })).toBe('-a---b-c(d|)', {
        a: progress(0, undefined),
        b: progress(2048, undefined),
        c: progress(4096, undefined),
        d: done(5000),
      });
      // Subscribed once the init is answered.
      expectSubscriptions(stream.subscriptions).toBe('-^----!');
      testScheduler.flush();
      const { params } = cloud.requests[0]!;
      expect(params).toEqual({
        fileName: 'app.log',
        fileSize: -1,
        conflictStrategy: 'overwrite',
        initUid: expect.any(String),
      });
      expect(cloud.sends().map((s) => s.params)).toEqual([
        { uploadId: 'up1', offset: 0, bSize: 2048, isComplete: false },
        { uploadId: 'up1', offset: 2048, bSize: 2048, isComplete: false },
        { uploadId: 'up1', offset: 4096, bSize: 904, isComplete: true },
      ]);
      expect(concatBytes(cloud.sends().map((s) => s.bytes))).toEqual(concatBytes(pieces));
    });
  });

  it('should end a stream of whole chunks with an empty last one, and skip what the platform has on append', () => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform({ offset: 1024 }));
      const stream = from([file(1000), file(1000), file(48)]);
      const values: unknown[] = [];
      upload(cloud.device, { content: stream, chunkBytes: 512, conflictStrategy: 'append' }).subscribe((v) =>
        values.push(v),
      );
      testScheduler.flush();
      expect(cloud.sends().map((s) => [s.params.offset, s.params.bSize, s.params.isComplete])).toEqual([
        [1024, 512, false],
        [1536, 512, false],
        [2048, 0, true],
      ]);
      const streamed = concatBytes([file(1000), file(1000), file(48)]);
      expect(concatBytes(cloud.sends().map((s) => s.bytes))).toEqual(streamed.subarray(1024));
      expect(values.at(-1)).toEqual(done(2048));
    });
  });

  it('should cancel and end with an UploadContentFailure when a stream goes over 16 MiB', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform());
      const mebibyte = new Uint8Array(1024 * 1024);
      const stream = from(Array.from({ length: 17 }, () => mebibyte));
      expectObservable(upload(cloud.device, { content: stream, chunkBytes: 131_072 })).toBe('-(ab|)', {
        a: progress(0, undefined),
        b: E.left({
          _tag: 'UploadContentFailure',
          fileName: 'app.log',
          uploadId: 'up1',
          reason: 'the content stream is over 16777216 bytes',
        }),
      });
      testScheduler.flush();
      expect(cloud.requests.map((r) => r.kind)).toEqual(['init', 'send', 'cancel']);
      expect(cloud.requests[2]?.params).toEqual({ uploadId: 'up1' });
      expect(cloud.stillObserved()).toEqual([]);
    });
  });

  it('should cancel and end with an UploadContentFailure carrying the error when a stream fails', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform());
      const error = new Error('disk unplugged');
      const stream = cold('-a-#', { a: file(3000) }, error);
      expectObservable(upload(cloud.device, { content: stream })).toBe('-a-b(c|)', {
        a: progress(0, undefined),
        b: progress(2048, undefined),
        c: E.left({
          _tag: 'UploadContentFailure',
          fileName: 'app.log',
          uploadId: 'up1',
          reason: 'the content stream failed: disk unplugged',
          error,
        }),
      });
      testScheduler.flush();
      expect(cloud.requests.map((r) => [r.kind, r.at])).toEqual([
        ['init', 0],
        ['send', 2],
        ['cancel', 4],
      ]);
    });
  });

  it.each([
    ['bytes', content],
    ['a stream', of(file(3000))],
  ])('should cancel and end with an UploadContentFailure when %s are shorter than the offset', (_, given) => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform({ offset: 6000 }));
      const values: unknown[] = [];
      upload(cloud.device, { content: given, conflictStrategy: 'append' }).subscribe((v) => values.push(v));
      testScheduler.flush();
      expect(values.at(-1)).toEqual(
        E.left(expect.objectContaining({ _tag: 'UploadContentFailure', uploadId: 'up1' })),
      );
      expect(cloud.requests.map((r) => r.kind)).toEqual(['init', 'cancel']);
    });
  });

  it('should cancel the upload when unsubscribed before the end, and leave no reply topic observed', () => {
    testScheduler.run(({ expectObservable }) => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) => ({ ...stored(request)!, delayMs: 2 }));
      expectObservable(upload(cloud.device), '^---!').toBe('--a-', { a: progress(0, 5000) });
      testScheduler.flush();
      expect(cloud.requests.map((r) => [r.kind, r.at])).toEqual([
        ['init', 0],
        ['send', 2],
        ['cancel', 4],
      ]);
      expect(cloud.requests[2]?.params).toEqual({ uploadId: 'up1' });
      expect(cloud.stillObserved()).toEqual([]);
    });
  });

  it('should send no cancel when unsubscribed before the init is answered, nor after the end', () => {
    testScheduler.run(({ expectObservable }) => {
      const stored = platform();
      const cloud = fakeCloud(testScheduler, (request) => ({ ...stored(request)!, delayMs: 5 }));
      expectObservable(upload(cloud.device), '^--!').toBe('---');
      const finished = fakeCloud(testScheduler, platform());
      expectObservable(upload(finished.device, { chunkBytes: 8192 }), '^-----!').toBe('-a(b|)', {
        a: progress(0, 5000),
        b: done(5000),
      });
      testScheduler.flush();
      expect(cloud.requests.map((r) => r.kind)).toEqual(['init']);
      expect(finished.requests.map((r) => r.kind)).toEqual(['init', 'send']);
      expect(cloud.stillObserved()).toEqual([]);
    });
  });

  it("should observe the chunks' reply topic once for the whole upload", () => {
    testScheduler.run(() => {
      const cloud = fakeCloud(testScheduler, platform());
      upload(cloud.device).subscribe();
      testScheduler.flush();
      const sendReply = cloud.observers.filter((o) => o.startsWith(`${topics.fileUploadSendReply} `));
      // Held from the start: each chunk's own wait adds one, and its end never takes the count to 0.
      expect(sendReply.map((o) => Number(o.split(' ')[1]))).toEqual([1, 2, 1, 2, 1, 2, 1, 0]);
    });
  });

  it.each<[string, Partial<UploadFileOptions>, string]>([
    ['a name with a space', { fileName: 'app log' }, 'fileName must be 1 to 100'],
    ['a name starting with _', { fileName: '_app.log' }, 'fileName must be 1 to 100'],
    ['a name of 101 bytes', { fileName: 'a'.repeat(101) }, 'fileName must be 1 to 100'],
    ['chunks of 255 bytes', { chunkBytes: 255 }, 'chunkBytes must be an integer from 256 to 131072'],
    ['chunks of 131073 bytes', { chunkBytes: 131_073 }, 'chunkBytes must be an integer from 256 to 131072'],
    ['chunks of 300.5 bytes', { chunkBytes: 300.5 }, 'chunkBytes must be an integer'],
    [
      'bytes over 16 MiB',
      { content: new Uint8Array(16 * 1024 * 1024 + 1) },
      'content must be 1 to 16777216 bytes',
    ],
    ['no bytes', { content: new Uint8Array(0) }, 'content must be 1 to 16777216 bytes, not 0'],
    ['an unknown strategy', { conflictStrategy: 'merge' as 'append' }, 'conflictStrategy must be'],
    ['a timeout of 0', { timeoutMs: 0 }, 'timeoutMs must be a finite number over 0'],
    ['a timeout of Infinity', { timeoutMs: Infinity }, 'timeoutMs must be a finite number over 0'],
    ['-1 retries', { retries: -1 }, 'retries must be an integer of 0 or more'],
  ])('should throw a RangeError for %s before anything is sent', (_, options, message) => {
    const { device, calls } = fakeAlinkDevice();
    expect(() => upload(device, options)).toThrow(RangeError);
    expect(() => upload(device, options)).toThrow(message);
    expect(calls).toEqual([]);
  });

  it('should throw a TypeError for checkIntegrity with a stream, or content of another type', () => {
    const { device, calls } = fakeAlinkDevice();
    expect(() => upload(device, { content: of(file(10)), checkIntegrity: true })).toThrow(TypeError);
    expect(() => upload(device, { content: 'text' as unknown as Uint8Array })).toThrow(TypeError);
    expect(calls).toEqual([]);
  });
});

describe('cancelUpload', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('should send {id, params: {uploadId}} and emit the reply', () => {
    testScheduler.run(({ expectObservable }) => {
      const cloud = fakeCloud(testScheduler, platform());
      expectObservable(cancelUpload(cloud.device, 'up9')).toBe('-(a|)', {
        a: E.right({ id: expect.any(String), code: 200, message: 'success', data: { uploadId: 'up9' } }),
      });
      testScheduler.flush();
      expect(cloud.requests.map((r) => [r.kind, r.params, r.qos])).toEqual([
        ['cancel', { uploadId: 'up9' }, 1],
      ]);
      expect(cloud.calls[0]).toBe(`observe ${topics.fileUploadCancelReply} qos 1`);
    });
  });

  it('should give another code as a ReplyFailure, and no reply in time as a TimeoutFailure', () => {
    testScheduler.run(({ expectObservable }) => {
      const refusing = fakeCloud(testScheduler, () => ({ code: FILE_UPLOAD_CODES.uploadNotFound }));
      expectObservable(cancelUpload(refusing.device, 'up9')).toBe('-(a|)', {
        a: E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: 78122 })),
      });
      const silent = fakeCloud(testScheduler, () => undefined);
      expectObservable(cancelUpload(silent.device, 'up9', { timeoutMs: 50 })).toBe('50ms (t|)', {
        t: E.left(expect.objectContaining({ _tag: 'TimeoutFailure', topic: topics.fileUploadCancel })),
      });
    });
  });
});
