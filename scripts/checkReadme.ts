// Type-checks every ```ts block of the README against the package's own sources, as a user's strict project
// would compile it: 'rx-aliyun-iot' and 'rx-aliyun-iot/emulator' map to lib/, so a renamed export or a
// changed signature breaks CI before it breaks the first thing a user copies.
//
// Each block is one module. Names a snippet leaves to the reader (productKey, deviceName, ...) are declared
// in PRELUDE below; a block that needs anything else must import or declare it itself.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const root = resolve(__dirname, '..');
const documents = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['README.md'];

const PRELUDE = `
declare const productKey: string;
declare const deviceName: string;
declare const deviceSecret: string;
declare const device: import('rx-aliyun-iot').AliyunDevice;
`;

interface Snippet {
  readonly file: string;
  readonly source: string;
  /** Line of the README where the snippet's first line is (1-based). */
  readonly firstLine: number;
  readonly document: string;
}

function extractSnippets(document: string): Snippet[] {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const body = lines.slice(start, end).join('\n');
    // Without an import or export a block would be a script sharing globals with the others.
    const source = /^\s*(import|export)\s/m.test(body) ? body : `${body}\nexport {};`;
    const name = document.replace(/[^A-Za-z0-9]+/g, '_');
    snippets.push({
      file: join(root, '.readme-check', `${name}_${start + 1}.ts`),
      source,
      firstLine: start + 1,
      document,
    });
    i = end;
  }
  return snippets;
}

const snippets = documents.flatMap(extractSnippets);
const preludeFile = join(root, '.readme-check', 'prelude.d.ts');
const virtualFiles = new Map<string, string>([
  [preludeFile, PRELUDE],
  ...snippets.map((s): [string, string] => [s.file, s.source]),
]);

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: ['node', 'jest'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  baseUrl: root,
  paths: {
    'rx-aliyun-iot': ['lib/index.ts'],
    'rx-aliyun-iot/emulator': ['lib/emulator/index.ts'],
  },
};

// The snippets live in memory, under the repository so that node_modules resolves from them.
const host = ts.createCompilerHost(options);
const readFile = host.readFile.bind(host);
const getSourceFile = host.getSourceFile.bind(host);
host.fileExists = (file) => virtualFiles.has(file) || ts.sys.fileExists(file);
host.readFile = (file) => virtualFiles.get(file) ?? readFile(file);
host.getSourceFile = (file, language, onError, shouldCreate) => {
  const text = virtualFiles.get(file);
  return text === undefined
    ? getSourceFile(file, language, onError, shouldCreate)
    : ts.createSourceFile(file, text, language, true);
};

const program = ts.createProgram([preludeFile, ...snippets.map((s) => s.file)], options, host);
let failures = 0;
for (const snippet of snippets) {
  const sourceFile = program.getSourceFile(snippet.file)!;
  for (const diagnostic of ts.getPreEmitDiagnostics(program, sourceFile)) {
    // Errors inside lib/ are the typecheck's business; only what the snippet itself says counts here.
    if (diagnostic.file !== undefined && diagnostic.file !== sourceFile) continue;
    failures++;
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
    console.error(
      `${snippet.document}:${snippet.firstLine + line}:${character + 1}: TS${diagnostic.code} ${message}`,
    );
  }
}
console.log(`${snippets.length} TypeScript block(s) in ${documents.join(', ')}: ${failures} error(s)`);
process.exitCode = failures === 0 ? 0 : 1;
