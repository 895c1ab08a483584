import { Writable } from 'node:stream';
import { lastValueFrom } from 'rxjs';
import { memorySink, SinkError, writableSink } from '../../lib/alink/downloadSink';

describe('memorySink', () => {
  it('should collect what is written, in order, with no backpressure', async () => {
    const sink = memorySink(10);
    expect(sink.write(Buffer.from('abc'))).toBeUndefined();
    sink.write(Buffer.from('de'));
    await lastValueFrom(sink.end(), { defaultValue: undefined });
    expect(Buffer.from(sink.content()).toString()).toBe('abcde');
    expect(sink.failure()).toBeUndefined();
  });

  it('should fail past maxBytes, and keep nothing past it', () => {
    const sink = memorySink(3);
    sink.write(Buffer.from('abcd'));
    expect(sink.failure()?.message).toBe('the file is over 3 bytes');
    expect(sink.content().length).toBe(0);
  });
});

describe('writableSink', () => {
  it('should wait for a slow stream to drain, and end it', async () => {
    const chunks: string[] = [];
    let finished = false;
    const slow = new Writable({
      highWaterMark: 2,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        setImmediate(callback);
      },
      final(callback) {
        finished = true;
        callback();
      },
    });
    const sink = writableSink(slow, false);
    const wait = sink.write(Buffer.from('abc'));
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    await lastValueFrom(sink.end(), { defaultValue: undefined });
    expect(chunks).toEqual(['abc']);
    expect(finished).toBe(true);
  });

  it('should keep the stream failure, and fail a wait and the end with it', async () => {
    const broken = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const sink = writableSink(broken, false);
    await expect(sink.write(Buffer.from('ab'))).rejects.toBeInstanceOf(SinkError);
    expect(sink.failure()?.message).toBe('disk full');
    await expect(lastValueFrom(sink.end())).rejects.toBeInstanceOf(SinkError);
    sink.release();
  });
});
