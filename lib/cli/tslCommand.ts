import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as E from 'fp-ts/Either';
import { decodeTsl } from '../protocol';
import type { Command } from './Command';
import { generateThingModule } from './generateThingModule';

const USAGE = `usage: rx-aliyun-iot tsl <tsl.json>... [--out <file.ts>] [--import <module>]

Writes a TypeScript module with the thing model of a product (its TSL, as the console exports it):
a codec for every property, event and service, and \`thing\`, the typed thing model for
createThing(device, { tsl: thing }). Several files: the default module and custom modules.

  --out <file.ts>      write the module there (default: print it)
  --import <module>    where the module imports the library from (default: rx-aliyun-iot)`;

/** `rx-aliyun-iot tsl <tsl.json>... [--out file.ts] [--import module]`. */
export const tslCommand: Command = {
  name: 'tsl',
  summary: 'write a typed thing model (TypeScript) from a TSL export',
  usage: USAGE,
  async run(args, io) {
    const files: string[] = [];
    let out: string | undefined;
    let importFrom: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--out' || arg === '--import') {
        const value = args[++i];
        if (value === undefined || value.startsWith('--')) {
          io.stderr(`${arg} takes a value\n\n${USAGE}\n`);
          return 2;
        }
        if (arg === '--out') out = value;
        else importFrom = value;
      } else if (arg === '--help' || arg === '-h') {
        io.stdout(`${USAGE}\n`);
        return 0;
      } else if (arg.startsWith('--')) {
        io.stderr(`unknown option ${arg}\n\n${USAGE}\n`);
        return 2;
      } else files.push(arg);
    }
    if (files.length === 0) {
      io.stderr(`a TSL file is needed\n\n${USAGE}\n`);
      return 2;
    }
    const documents: unknown[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        io.stderr(`cannot read ${file}: ${(error as Error).message}\n`);
        return 1;
      }
      try {
        documents.push(JSON.parse(text));
      } catch (error) {
        io.stderr(`${file} is not JSON: ${(error as Error).message}\n`);
        return 1;
      }
    }
    const model = decodeTsl(documents.length === 1 ? documents[0] : documents);
    if (E.isLeft(model)) {
      io.stderr(`${files.join(', ')}: invalid TSL\n${model.left.problems.map((p) => `  ${p}\n`).join('')}`);
      return 1;
    }
    const source = generateThingModule(model.right, {
      source: files.map((file) => basename(file)).join(' '),
      ...(importFrom === undefined ? {} : { importFrom }),
    });
    if (out === undefined) {
      io.stdout(source);
      return 0;
    }
    await writeFile(out, source, 'utf8');
    const { properties, events, services } = model.right;
    const count = (table: object) => Object.keys(table).length;
    io.stdout(
      `wrote ${out}: ${count(properties)} properties, ${count(events)} events, ${count(services)} services\n`,
    );
    return 0;
  },
};
