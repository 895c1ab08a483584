// Test support: switches on debug namespaces, as DEBUG=... would, and keeps every line they print.
import createDebug from 'debug';
import { format } from 'node:util';

export interface CapturedLogs {
  readonly lines: string[];
  /** Switches the namespaces off again and puts debug's own output back. */
  restore(): void;
}

export function captureLogs(namespaces: string): CapturedLogs {
  const lines: string[] = [];
  const log = createDebug.log;
  const before = createDebug.disable();
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  createDebug.enable(namespaces);
  return {
    lines,
    restore() {
      createDebug.log = log;
      createDebug.disable();
      if (before !== '') createDebug.enable(before);
    },
  };
}
