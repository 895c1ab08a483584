// Every `x.browser.ts` in lib/ stands in for `x.ts` in a browser bundle (scripts/build.ts writes the swaps into
// the `browser` field of dist's package.json files): it must export the same names, each of the same kind.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const lib = join(__dirname, '..', 'lib');

function* twinsIn(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* twinsIn(path);
    else if (name.endsWith('.browser.ts')) yield path;
  }
}

const twins = [...twinsIn(lib)].map((twin) => relative(lib, twin));
const kinds = (module: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(module).map(([name, value]) => [name, typeof value]));

describe('browser twins', () => {
  it.each(twins)('%s should export what the module it replaces exports', async (twin) => {
    const original = join(lib, twin.replace(/\.browser\.ts$/, '.ts'));
    expect(existsSync(original)).toBe(true);
    const [node, browser] = await Promise.all([import(original), import(join(lib, twin))]);
    expect(kinds(browser)).toEqual(kinds(node));
  });
});
