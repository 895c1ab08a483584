import { runExample } from '../support/runExample';

// Runs the OTA example for real, against its embedded emulator, and reads what it printed.
describe('examples/otaUpgrade', () => {
  it('should download, verify, install and report the new version', async () => {
    const { output, code } = await runExample('otaUpgrade.ts');
    expect(output).toContain('cloud  version reported: 1.0.0');
    expect(output).toMatch(/device offered 2\.0\.0 \(524292 bytes, MD5\)/);
    expect(output).toContain('cloud  progress 0:');
    expect(output).toContain('cloud  progress 100: 524292 of 524292 bytes');
    expect(output).toContain('device installed 2.0.0');
    expect(output).toContain('cloud  version reported: 2.0.0');
    expect(output).toContain('setup  upgrade done');
    expect(code).toBe(0);
  });
});
