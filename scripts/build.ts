// Builds the package: CommonJS in dist/cjs and ES modules in dist/esm, each with its declarations, from the
// same sources, by tsc twice. The sources import each other without extensions (`./device`), as CommonJS
// and bundlers resolve them; Node's ES module loader does not, so the ES build's relative imports get their
// `.js` (or `/index.js`) here, and fp-ts's subpaths (no `exports` map, so `fp-ts/Either` is a directory to
// Node) point at its CommonJS files. Everything else stays as tsc wrote it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(dist, { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.esm.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit' });
}

// A folder's package.json tells Node (and TypeScript) how to read the .js and .d.ts files in it. Bundlers
// read `sideEffects` from the nearest package.json, so it is said again here: without it, importing one
// function would bundle every module the package's index names (mqtt and ws among them). Its `browser`
// field swaps each `x.js` that needs Node for its `x.browser.js` twin when a bundler builds for a browser.
const folderTypes = { cjs: 'commonjs', esm: 'module' };
for (const [folder, type] of Object.entries(folderTypes)) {
  const base = join(dist, folder);
  const browser = Object.fromEntries(
    [...filesIn(base)]
      .filter((file) => file.endsWith('.browser.js'))
      .map((file) => `./${relative(base, file).split(sep).join('/')}`)
      .map((twin) => [twin.replace(/\.browser\.js$/, '.js'), twin]),
  );
  writeFileSync(join(base, 'package.json'), `${JSON.stringify({ type, sideEffects: false, browser })}\n`);
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\2/gm;

/** The specifier Node's ES module loader needs for `specifier`, written in `file`. */
function forNode(file: string, specifier: string): string {
  const fpTs = /^fp-ts\/(\w+)$/.exec(specifier);
  if (fpTs !== null) return `fp-ts/lib/${fpTs[1]}.js`;
  if (!specifier.startsWith('.')) return specifier;
  const target = resolve(dirname(file), specifier);
  if (existsSync(`${target}.js`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.js'))) return `${specifier}/index.js`;
  throw new Error(`${file}: cannot resolve '${specifier}'`);
}

function* filesIn(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* filesIn(path);
    else if (/\.(js|d\.ts)$/.test(name)) yield path;
  }
}

let rewritten = 0;
for (const file of filesIn(join(dist, 'esm'))) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(SPECIFIER, (_, before: string, quote: string, specifier: string) => {
    rewritten++;
    return `${before}${quote}${forNode(file, specifier)}${quote}`;
  });
  if (fixed !== text) writeFileSync(file, fixed);
}
console.log(`built dist/cjs and dist/esm (${rewritten} import specifiers checked in the ES build)`);
