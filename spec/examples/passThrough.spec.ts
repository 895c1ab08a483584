import { runExample } from '../support/runExample';

// Runs the pass-through example for real, against its embedded emulator running the product's script.
describe('examples/passThrough', () => {
  it("should post the device's bytes, be answered in bytes, and be set by the cloud in bytes", async () => {
    const { output, code } = await runExample('passThrough.ts');
    const lines = output.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'device posted 000000000100d7, answered 020000000100c8',
      'cloud temp is 21.5',
      // The cloud's id, then 195 tenths of a degree.
      expect.stringMatching(/^device target set to 19\.5, bytes 01[0-9a-f]{8}00c3$/),
      'cloud SetDeviceProperty target 19.5: 200',
      'setup done',
      '',
    ]);
    expect(code).toBe(0);
  });
});
