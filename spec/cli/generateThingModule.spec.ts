import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { generateThingModule, typeExpression } from '../../lib/cli/generateThingModule';
import type { DataType } from '../../lib/protocol/tsl/DataType';
import { parseTsl } from '../../lib/protocol/tsl/parseTsl';
import type { ThingModel } from '../../lib/protocol/tsl/ThingModel';

const root = resolve(__dirname, '..', '..');
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(root, 'spec/protocol/tsl/fixtures', `${name}.json`), 'utf8')) as unknown;
const model = parseTsl([fixture('everyType'), fixture('customModule')]);

/** Type-checks `files` as a strict user project would, with 'rx-aliyun-iot' resolving to lib/. */
function compile(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noUnusedLocals: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    baseUrl: root,
    paths: { 'rx-aliyun-iot': ['lib/index.ts'] },
  };
  const inMemory = new Map(
    Object.entries(files).map(([name, text]) => [join(root, '.generated', name), text]),
  );
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => inMemory.has(file) || ts.sys.fileExists(file);
  host.directoryExists = (folder) => folder === join(root, '.generated') || ts.sys.directoryExists(folder);
  host.readFile = (file) => inMemory.get(file) ?? readFile(file);
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    const text = inMemory.get(file);
    return text === undefined
      ? getSourceFile(file, language, onError, shouldCreate)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...inMemory.keys()], options, host);
  return [...inMemory.keys()].flatMap((file) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${file.slice(root.length + 1)}:${at}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    }),
  );
}

// What a user writes with the generated module: right lines compile, each wrong one is an error.
const USAGE = `
import { of } from 'rxjs';
import { createThing, type AliyunDevice } from 'rx-aliyun-iot';
import { thing as model, type Properties } from './thing';

declare const device: AliyunDevice;
const thing = createThing(device, { tsl: model });

thing.postProperties({ temp: 21.5, mode: 2, 'battery:level': 80, pos: { lat: 1, fix: 1 } });
thing.postProperties({ stops: [{ name: 'home', at: '1700000000000' }], ts: { value: '1', time: 2 } });
// @ts-expect-error an identifier the thing model does not define
thing.postProperties({ humidity: 40 });
// @ts-expect-error temp is a float
thing.postProperties({ temp: '21.5' });
// @ts-expect-error 3 is not a key of the enum mode
thing.postProperties({ mode: 3 });
// @ts-expect-error lat is a double inside the struct pos
thing.postProperties({ pos: { lat: 'north' } });
// @ts-expect-error the items of stops are structs
thing.postProperties({ stops: ['home'] });

thing.postEvent('fault', { code: 3, text: 'jam' });
thing.postEvent('battery:low', { level: 5 });
// @ts-expect-error no such event
thing.postEvent('explode', {});
// @ts-expect-error code is an int
thing.postEvent('fault', { code: 'E3' });

thing.serveProperties((values) => {
  const mode: 0 | 1 | 2 | undefined = values.mode;
  // @ts-expect-error temp is read-only: a set never carries it
  void values.temp;
  return of({ mode });
});
thing.serveService('reboot', ({ delay }) => of({ at: String(delay ?? 0) }));
thing.serveService('battery:saver', ({ on }) => of(on === 1 ? {} : {}));
// @ts-expect-error no such service
thing.serveService('fly', () => of({}));
// @ts-expect-error the output at is a date: a string
thing.serveService('reboot', () => of({ at: 1 }));

const temp: Properties['temp'] = 1.5;
void temp;
`;

describe('generateThingModule', () => {
  it.each<[string, DataType, string]>([
    [
      'an int with its specs',
      { type: 'int', min: 0, max: 10, step: 1 },
      't.int({ min: 0, max: 10, step: 1 })',
    ],
    ['a float with a unit', { type: 'float', unit: '°C' }, "t.float({ unit: '°C' })"],
    ['a double without specs', { type: 'double' }, 't.double()'],
    ['text', { type: 'text', length: 8 }, 't.text({ length: 8 })'],
    ['a bool with labels', { type: 'bool', labels: { 0: 'off', 1: 'on' } }, "t.bool({ 0: 'off', 1: 'on' })"],
    ['an enum', { type: 'enum', values: { 0: 'a', 5: "it's" } }, "t.enumOf({ 0: 'a', 5: 'it\\'s' })"],
    ['a date', { type: 'date' }, 't.date()'],
    [
      'a struct',
      { type: 'struct', fields: [{ identifier: 'a-b', dataType: { type: 'int' } }] },
      "t.struct({ 'a-b': t.int() })",
    ],
    [
      'an array of structs',
      {
        type: 'array',
        size: 2,
        item: { type: 'struct', fields: [{ identifier: 'x', dataType: { type: 'date' } }] },
      },
      't.array(t.struct({ x: t.date() }), { size: 2 })',
    ],
  ])('should write %s', (_, dataType, expected) => {
    expect(typeExpression(dataType)).toBe(expected);
  });

  it('should write a module that types every identifier and value, compiled as a strict project', () => {
    const source = generateThingModule(model, { source: 'tsl.json' });
    expect(source).toContain("'battery:level': property('r', t.int({ min: 0, max: 100, unit: '%' })),");
    expect(compile({ 'thing.ts': source, 'usage.ts': USAGE })).toEqual([]);
  });

  it('should fail to compile a wrong identifier that is not expected to', () => {
    const source = generateThingModule(model);
    const wrong = USAGE.replace('// @ts-expect-error an identifier the thing model does not define\n', '');
    const problems = compile({ 'thing.ts': source, 'usage.ts': wrong });
    expect(problems).toEqual([expect.stringContaining("'humidity' does not exist")]);
  });

  it('should import only what it uses: a thing model without events or services compiles unused-free', () => {
    const small = parseTsl({
      properties: [{ identifier: 'on', accessMode: 'rw', dataType: { type: 'bool' } }],
    });
    const source = generateThingModule(small);
    expect(source).toContain("import { property, thingModel, tslTypes as t } from 'rx-aliyun-iot';");
    expect(compile({ 'thing.ts': source })).toEqual([]);
  });

  it('should give, at run time, the same codecs as parseTsl', () => {
    const folder = mkdtempSync(join(tmpdir(), 'thing-module-'));
    try {
      const file = join(folder, 'thing.ts');
      writeFileSync(file, generateThingModule(model, { importFrom: join(root, 'lib') }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the generator wrote
      const generated = (require(file) as { thing: ThingModel }).thing;
      const withoutNames = (m: ThingModel) =>
        JSON.parse(
          JSON.stringify({
            p: Object.fromEntries(
              Object.entries(m.properties).map(([id, p]) => [id, [p.accessMode, p.type.dataType]]),
            ),
            e: Object.fromEntries(
              Object.entries(m.events).map(([id, e]) => [id, [e.kind, e.output.dataType]]),
            ),
            s: Object.fromEntries(
              Object.entries(m.services).map(([id, s]) => [
                id,
                [s.callType, s.input.dataType, s.output.dataType],
              ]),
            ),
          }),
          (k, v: unknown) => (k === 'name' ? undefined : v),
        ) as unknown;
      expect(withoutNames(generated)).toEqual(withoutNames(model));
      expect(generated.productKey).toBe('a1TestPK001');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('should write an identifier __proto__ as an entry, not as the prototype of the object it is in', () => {
    const int = { type: 'int', specs: {} };
    const odd = parseTsl({
      profile: { productKey: 'a1TestPK001' },
      properties: [
        { identifier: '__proto__', accessMode: 'rw', dataType: int },
        {
          identifier: 'pos',
          dataType: { type: 'struct', specs: [{ identifier: '__proto__', dataType: int }] },
        },
      ],
    });
    const source = generateThingModule(odd, { importFrom: join(root, 'lib') });
    expect(source).toContain("['__proto__']: property(");
    const folder = mkdtempSync(join(tmpdir(), 'thing-module-'));
    try {
      const file = join(folder, 'thing.ts');
      writeFileSync(file, source);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the generator wrote
      const generated = (require(file) as { thing: ThingModel }).thing;
      expect(Object.keys(generated.properties)).toEqual(['__proto__', 'pos']);
      const pos = generated.properties['pos']?.type.dataType;
      expect(pos?.type === 'struct' && pos.fields.map((f) => f.identifier)).toEqual(['__proto__']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
