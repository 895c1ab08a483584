// Test support: Debian's headless Chromium, driven by playwright-core, and esbuild bundles of test pages.
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's package (`apt-get install chromium`); playwright-core brings no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests run whenever Chromium is installed; under CI it must be (the suite fails instead of
 * skipping). Elsewhere they are skipped with a printed reason.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) return describe(name, body);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs Chromium (CI=true: not skipped)', () => {
        throw new Error(`${CHROMIUM} is missing; .ci/run installs it with apt-get`);
      });
    });
  }
  console.warn(`skipping "${name}": no ${CHROMIUM} (apt-get install -y chromium)`);
  describe.skip(name, body);
}

/**
 * Headless, as root (no sandbox), with nothing that reaches out to the network on its own. Playwright gives
 * each launch a fresh profile (`--user-data-dir` in a temporary folder) and removes it on close.
 */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}

/**
 * The package's `browser` field, for sources: a bundler building for a browser takes `x.browser.ts` in place
 * of `x.ts` wherever there is one (scripts/build.ts writes the same swaps into dist's package.json files).
 */
const browserTwins: Plugin = {
  name: 'browser-twins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
      const twin = `${resolve(resolveDir, path)}.browser.ts`;
      return existsSync(twin) ? { path: twin } : undefined;
    });
  },
};

/** `entry` and everything it imports as one script for a page, as a bundler targeting browsers makes it. */
export async function browserBundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [browserTwins],
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}
