#!/usr/bin/env node
// The `rx-aliyun-iot` bin: `npx rx-aliyun-iot <command>`. The commands live in runCli.ts.
import { runCli } from './runCli';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
