// Packed-tarball smoke tests: fresh projects in a temporary folder install the tarball (and the peers from
// the registry), compile as their users would, strict, and run scenario.ts: a device against the emulator.
//
//   npx tsx scripts/smoke/run.ts path/to/rx-aliyun-iot-x.y.z.tgz [project ...]
//
// The projects share npm's cache and install with --prefer-offline, so a second run is mostly local.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build, transformSync, type Plugin } from 'esbuild';

const root = resolve(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** The newest peers the repository itself is tested with, and the oldest the package claims to work with. */
const current = pick(packageJson.devDependencies, ['rxjs', 'fp-ts', 'io-ts', 'aedes', '@types/node']);
const lowest = Object.fromEntries(
  Object.entries(packageJson.peerDependencies).map(([name, range]) => [name, range.replace(/^\^/, '')]),
);

const strict = { strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, types: ['node'] };

interface Project {
  readonly name: string;
  readonly type: 'module' | 'commonjs';
  readonly dependencies: Record<string, string>;
  /** Compiles (or bundles) the project's sources and says how to run the result. */
  readonly prepare: (dir: string) => Promise<string> | string;
  /** Extra checks once it ran. */
  readonly after?: (dir: string) => Promise<void> | void;
}

const projects: Project[] = [
  {
    name: 'ts-nodenext-esm',
    type: 'module',
    dependencies: current,
    prepare: (dir) =>
      compileTs(dir, { module: 'nodenext', moduleResolution: 'nodenext', exactOptionalPropertyTypes: true }),
    after: checkEmulatorBin,
  },
  {
    name: 'ts-bundler',
    type: 'module',
    dependencies: current,
    prepare: async (dir) => {
      compileTs(dir, { module: 'esnext', moduleResolution: 'bundler', noEmit: true });
      await build({
        entryPoints: [join(dir, 'src', 'main.ts')],
        outfile: join(dir, 'out', 'main.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        // MQTT.js and aedes are CommonJS that require Node's modules, which an ES module bundle does through this.
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        logLevel: 'error',
      });
      return 'out/main.mjs';
    },
    after: async (dir) => {
      await checkBundleSize(dir);
      await checkBrowserDevice(dir);
    },
  },
  {
    name: 'ts-node10-cjs-rxjs-7.8.1',
    type: 'commonjs',
    dependencies: { ...current, rxjs: '7.8.1' },
    prepare: (dir) =>
      compileTs(dir, { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }),
  },
  {
    name: 'plain-mjs',
    type: 'module',
    dependencies: current,
    prepare: (dir) => writeJs(dir, 'main.mjs', 'esm'),
  },
  {
    name: 'plain-cjs',
    type: 'commonjs',
    dependencies: current,
    prepare: (dir) => writeJs(dir, 'main.cjs', 'cjs'),
  },
  {
    name: 'lowest-peers',
    type: 'module',
    dependencies: { ...lowest, '@types/node': current['@types/node']! },
    prepare: (dir) => compileTs(dir, { module: 'nodenext', moduleResolution: 'nodenext' }),
  },
  {
    name: 'no-aedes',
    type: 'commonjs',
    dependencies: pick(current, ['rxjs', 'fp-ts', 'io-ts']),
    prepare: (dir) => {
      writeFileSync(join(dir, 'main.cjs'), NO_AEDES);
      return 'main.cjs';
    },
    after: (dir) => {
      const ls = run('npm', ['ls', 'aedes', '--all', '--parseable'], dir, { allowFailure: true });
      if (ls.trim() !== '') throw new Error(`aedes was installed without being asked for:\n${ls}`);
    },
  },
];

// A device-only install: the main entry and the emulator's load without aedes; starting an emulator says
// what to install.
const NO_AEDES = `
const assert = require('node:assert');
const { matchTopic } = require('rx-aliyun-iot');
const { startEmulator, MissingPeerDependencyError } = require('rx-aliyun-iot/emulator');
assert.ok(matchTopic('a/+', 'a/b'));
startEmulator({ products: [] }).then(
  () => { throw new Error('the emulator started without aedes'); },
  (error) => {
    assert.ok(error instanceof MissingPeerDependencyError, String(error));
    assert.match(error.message, /npm install --save-dev aedes@\\^0\\.51/);
    console.log('ok', error.message);
    console.log('smoke ok');
  },
);
`;

function pick(from: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, from[name]!]));
}

function run(command: string, args: string[], cwd: string, { allowFailure = false } = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (!allowFailure && result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function compileTs(dir: string, compilerOptions: Record<string, unknown>): string {
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.ts'), readFileSync(join(__dirname, 'scenario.ts')));
  const options = { target: 'es2022', outDir: 'dist', rootDir: 'src', ...strict, ...compilerOptions };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['src'] }));
  run(process.execPath, [tsc, '-p', dir], dir);
  return 'dist/main.js';
}

function writeJs(dir: string, file: string, format: 'esm' | 'cjs'): string {
  const source = readFileSync(join(__dirname, 'scenario.ts'), 'utf8');
  writeFileSync(join(dir, file), transformSync(source, { loader: 'ts', format, target: 'node20' }).code);
  return file;
}

/** Node's own modules, left out of a browser bundle: esbuild refuses them before it tree-shakes. */
const nodeBuiltins: Plugin = {
  name: 'node-builtins',
  setup(build) {
    const names = new Set(builtinModules);
    build.onResolve({ filter: /.*/ }, ({ path }) =>
      path.startsWith('node:') || names.has(path) ? { path, external: true } : undefined,
    );
  },
};

/** A one-line app that uses matchTopic and classifyTopic bundles without the device, MQTT.js or io-ts. */
async function checkBundleSize(dir: string): Promise<void> {
  const app =
    "import { matchTopic, classifyTopic } from 'rx-aliyun-iot';\nconsole.log(matchTopic, classifyTopic);\n";
  writeFileSync(join(dir, 'size.mjs'), app);
  for (const platform of ['browser', 'node'] as const) {
    const result = await build({
      entryPoints: [join(dir, 'size.mjs')],
      bundle: true,
      minify: true,
      write: false,
      metafile: true,
      platform,
      plugins: platform === 'browser' ? [nodeBuiltins] : [],
      logLevel: 'error',
    });
    // What went into the output, not every file parsed on the way (esbuild shakes after it parsed them).
    const output = Object.values(result.metafile.outputs)[0]!;
    const inputs = Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) =>
      bytesInOutput > 0 ? [input] : [],
    );
    const unwanted = inputs.filter((input) =>
      /node_modules\/(mqtt|ws|aedes|io-ts|fp-ts|readable-stream)\//.test(input),
    );
    if (unwanted.length > 0)
      throw new Error(`the ${platform} bundle of matchTopic took in:\n${unwanted.join('\n')}`);
    const bytes = result.outputFiles[0]!.contents.byteLength;
    console.log(`ok matchTopic + classifyTopic, minified ${platform} bundle: ${bytes} bytes`);
    // rxjs's `node` condition picks its CommonJS build, which no bundler can shake (about 146 KB of it).
    const limit = platform === 'browser' ? 40_000 : 200_000;
    if (bytes > limit) throw new Error(`the ${platform} bundle is ${bytes} bytes, over ${limit}`);
  }
}

/**
 * A device for a browser bundles with MQTT.js's browser build and without a single Node module: no plugin
 * here, so esbuild fails on any `node:` import the package's `browser` field did not swap away.
 */
async function checkBrowserDevice(dir: string): Promise<void> {
  writeFileSync(
    join(dir, 'device.mjs'),
    "import { createDevice } from 'rx-aliyun-iot';\nconsole.log(createDevice);\n",
  );
  const result = await build({
    entryPoints: [join(dir, 'device.mjs')],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    platform: 'browser',
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.keys(output.inputs);
  const unwanted = inputs.filter((input) =>
    /node_modules\/(ws|aedes)\/|node_modules\/mqtt\/build\//.test(input),
  );
  if (unwanted.length > 0)
    throw new Error(`the browser bundle of createDevice took in:\n${unwanted.join('\n')}`);
  if (!inputs.some((input) => input.includes('node_modules/mqtt/dist/')))
    throw new Error("the browser bundle of createDevice did not take MQTT.js's browser build");
  const bytes = result.outputFiles[0]!.contents;
  const mqttBytes = Object.entries(output.inputs)
    .filter(([input]) => input.includes('node_modules/mqtt/'))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
  console.log(
    `ok createDevice, minified browser bundle: ${bytes.byteLength} bytes (${gzipSync(bytes).byteLength} gzipped), ` +
      `of which MQTT.js's browser build ${mqttBytes}`,
  );
  // MQTT.js's browser build alone is about 340 KB, with its own Buffer, process and stream polyfills.
  const limit = 520_000;
  if (bytes.byteLength > limit)
    throw new Error(`the createDevice browser bundle is ${bytes.byteLength} bytes, over ${limit}`);
}

/** The bin from the tarball: `npx rx-aliyun-iot emulator` says how it is used, starts, and stops on Ctrl-C. */
async function checkEmulatorBin(dir: string): Promise<void> {
  const help = run('npx', ['--no-install', 'rx-aliyun-iot', 'emulator', '--help'], dir);
  if (!help.startsWith('usage: rx-aliyun-iot emulator')) throw new Error(`emulator --help printed:\n${help}`);
  const free = ['--port', '0', '--mqtts-port', '0', '--ws-port', '0', '--wss-port', '0', '--api-port', '0'];
  // A process group of its own, as a terminal gives a command: Ctrl-C reaches npx and the bin it runs.
  const child = spawn('npx', ['--no-install', 'rx-aliyun-iot', 'emulator', ...free], {
    cwd: dir,
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (!output.includes('ready; Ctrl-C stops it') && child.exitCode === null && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
  const code = await exited;
  if (!output.includes('device a1DemoProd1/demo-device') || !/stopped\n$/.test(output))
    throw new Error(`npx rx-aliyun-iot emulator (exit ${code}) printed:\n${output}`);
  console.log('ok npx rx-aliyun-iot emulator: started with the demo device, stopped on SIGINT');
}

async function smoke(project: Project, tarball: string, folder: string): Promise<void> {
  const dir = join(folder, project.name);
  mkdirSync(dir);
  const manifest = {
    name: `smoke-${project.name}`,
    private: true,
    type: project.type,
    dependencies: { 'rx-aliyun-iot': `file:${tarball}`, ...project.dependencies },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);

  // One rxjs in the tree, the app's: otherwise `instanceof Observable` and the types disagree.
  const copies = run('npm', ['ls', 'rxjs', '--all', '--parseable'], dir).trim().split('\n').filter(Boolean);
  const rxjsCopies = copies.filter((path) => path.endsWith(`${join('node_modules', 'rxjs')}`));
  if (rxjsCopies.length !== 1) throw new Error(`expected one rxjs, found:\n${copies.join('\n')}`);
  const rxjsVersion = (
    JSON.parse(readFileSync(join(rxjsCopies[0]!, 'package.json'), 'utf8')) as { version: string }
  ).version;
  console.log(`ok one rxjs (${rxjsVersion})`);

  const entry = await project.prepare(dir);
  const output = run(process.execPath, [entry], dir);
  process.stdout.write(output);
  if (!output.includes('smoke ok')) throw new Error(`${entry} did not finish`);
  await project.after?.(dir);
}

async function main(): Promise<void> {
  const [tarballArgument, ...only] = process.argv.slice(2);
  if (tarballArgument === undefined) throw new Error('usage: run.ts <tarball> [project ...]');
  const tarball = resolve(tarballArgument);
  const folder = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-smoke-'));
  const chosen = only.length > 0 ? projects.filter((p) => only.includes(p.name)) : projects;
  const failed: string[] = [];
  try {
    for (const project of chosen) {
      console.log(`\n# ${project.name}`);
      const started = Date.now();
      try {
        await smoke(project, tarball, folder);
        console.log(`# ${project.name}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        failed.push(project.name);
        console.error(`# ${project.name}: FAILED\n${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  console.log(`\nsmoke projects: ${chosen.length - failed.length} of ${chosen.length} ok`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
