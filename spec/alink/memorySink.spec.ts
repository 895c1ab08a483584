import { memorySink } from '../../lib/alink/memorySink';
import { memorySink as inBrowsers } from '../../lib/alink/memorySink.browser';

describe('memorySink', () => {
  it('should collect what is written', async () => {
    const { sink, content } = memorySink(10);
    sink.write(Buffer.from('abc'));
    await new Promise<void>((resolve) => sink.end(Buffer.from('de'), resolve));
    expect(content().toString()).toBe('abcde');
  });

  it('should fail past maxBytes', async () => {
    const { sink } = memorySink(3);
    const failed = new Promise<Error>((resolve) => sink.on('error', resolve));
    sink.write(Buffer.from('abcd'));
    expect((await failed).message).toBe('the file is over 3 bytes');
  });

  it('should say in a browser that it needs Node.js streams', () => {
    expect(() => inBrowsers()).toThrow(/Node\.js streams: not in a browser/);
  });
});
