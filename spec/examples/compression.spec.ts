import { runExample } from '../support/runExample';

// Runs the compression example for real, against its embedded emulator.
describe('examples/compression', () => {
  it('should post and serve properties gzip on the wire, the thing and the cloud seeing plain JSON', async () => {
    const { output, code } = await runExample('compression.ts');
    const lines = output.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'device declared: posts and sets go gzip',
      expect.stringMatching(/^wire property\/post: \d+ bytes$/),
      'device posted 96 readings (385 bytes of JSON): ok',
      'cloud keeps readings: 96 numbers',
      expect.stringMatching(/^wire property\/set: \d+ bytes$/),
      'device set mode and note',
      'cloud set answered 200',
      'setup done',
      '',
    ]);
    // The post carried more than its 385 bytes of readings; gzip put it on the wire in far fewer.
    const wireBytes = (topic: string) =>
      Number(/(\d+) bytes$/.exec(lines.find((l) => l.startsWith(`wire ${topic}`))!)![1]);
    expect(wireBytes('property/post')).toBeLessThan(200);
    expect(wireBytes('property/set')).toBeLessThan(200);
    expect(code).toBe(0);
  });
});
