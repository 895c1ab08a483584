/** Where a command writes: the process's streams, or a test's buffers. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A subcommand of the `rx-aliyun-iot` bin. */
export interface Command {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  readonly usage: string;
  /** Runs with the arguments after the command's name; resolves with the exit code. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
