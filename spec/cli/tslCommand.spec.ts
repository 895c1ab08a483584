import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tslCommand } from '../../lib/cli/tslCommand';

const fixtures = resolve(__dirname, '..', 'protocol', 'tsl', 'fixtures');

async function tsl(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await tslCommand.run(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('tslCommand', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'tsl-command-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('should print the module without --out, importing from where --import says', async () => {
    const result = await tsl([join(fixtures, 'olderExport.json'), '--import', '../lib']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("import { event, property, thingModel, tslTypes as t } from '../lib';");
    expect(result.stdout).toContain("Power: property('rw', t.bool({ 0: 'off', 1: 'on' }), 'Power'),");
  });

  it('should merge a default module and custom modules given together', async () => {
    const out = join(folder, 'thing.ts');
    const result = await tsl([
      join(fixtures, 'everyType.json'),
      join(fixtures, 'customModule.json'),
      '--out',
      out,
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `wrote ${out}: 12 properties, 3 events, 3 services\n`,
      stderr: '',
    });
    expect(readFileSync(out, 'utf8')).toContain("'battery:saver': service('async'");
  });

  it('should list every problem of an invalid TSL, and exit 1 writing nothing', async () => {
    const bad = join(folder, 'bad.json');
    writeFileSync(bad, JSON.stringify({ properties: [{ identifier: 'x', dataType: { type: 'long' } }] }));
    const out = join(folder, 'thing.ts');
    const result = await tsl([bad, '--out', out]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `${bad}: invalid TSL\n  at properties.0.dataType.type: expected one of int, float, double, text, bool, enum, date, struct, array, got "long"\n`,
    });
    expect(() => readFileSync(out)).toThrow();
  });

  it.each<[string, string[], RegExp]>([
    ['no file', [], /^a TSL file is needed\n\nusage: rx-aliyun-iot tsl/],
    ['--out without a value', ['x.json', '--out'], /^--out takes a value/],
    ['an unknown option', ['x.json', '--outfile', 'y'], /^unknown option --outfile/],
  ])('should exit 2 with the usage for %s', async (_, args, message) => {
    const result = await tsl(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('should say which file it cannot read or parse', async () => {
    const missing = join(folder, 'missing.json');
    expect(await tsl([missing])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^cannot read .*missing\.json: ENOENT/),
    });
    const text = join(folder, 'text.json');
    writeFileSync(text, 'not json');
    expect(await tsl([text])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/text\.json is not JSON: /),
    });
  });
});
