import type { Command, CommandIo } from './Command';
import { emulatorCommand } from './emulatorCommand';
import { tslCommand } from './tslCommand';

/** The subcommands, by name: a new one is a file of its own and a line here. */
export const COMMANDS: readonly Command[] = [emulatorCommand, tslCommand];

function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: rx-aliyun-iot <command> [arguments]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'rx-aliyun-iot <command> --help says more about each.',
  ].join('\n');
}

/** Runs `rx-aliyun-iot <command> …`: resolves with the exit code (0 done, 1 failed, 2 wrong usage). */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(`${usage(commands)}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`unknown command ${name}\n\n${usage(commands)}\n`);
    return 2;
  }
  return command.run(args, io);
}
