import { runExample } from '../support/runExample';

// Runs the file upload example for real, against its embedded emulator.
describe('examples/fileUpload', () => {
  it('should upload a file in chunks and a stream of unknown size, and the cloud download the first', async () => {
    const { output, code } = await runExample('fileUpload.ts');
    const lines = output.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'device boot.log: 0 of 2170 bytes',
      'device boot.log: 2048 of 2170 bytes',
      'device boot.log: 2170 of 2170 bytes, complete',
      'device clip.pcm: 0 of ? bytes',
      'device clip.pcm: 1024 of ? bytes',
      'device clip.pcm: 2048 of ? bytes',
      'device clip.pcm: 3000 of 3000 bytes, complete',
      'cloud has boot.log, 2170 bytes',
      'cloud has clip.pcm, 3000 bytes',
      'cloud downloaded boot.log: the same bytes',
      'setup done',
      '',
    ]);
    expect(code).toBe(0);
  });
});
