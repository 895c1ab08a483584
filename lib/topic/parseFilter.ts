import { InvalidTopicError } from './InvalidTopicError';
import { encodingProblem } from './encodingProblem';

/** A named wildcard of a filter: which level it captures and whether it takes the rest (`#name`). */
export interface ParamSlot {
  readonly name: string;
  readonly level: number;
  readonly rest: boolean;
}

/** A valid filter split into levels, ready to be matched or compiled into a trie. */
export interface ParsedFilter {
  /** The filter as written, names included. */
  readonly filter: string;
  /** The MQTT levels with names stripped: each one a literal, `'+'` or `'#'` (only last). */
  readonly levels: readonly string[];
  /** The named wildcards in level order; empty when there are none. */
  readonly slots: readonly ParamSlot[];
}

// Names become keys of a params object and are destructured by callers: identifiers only, and never
// `__proto__`, which would set the prototype of a plain object instead of adding a key.
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function levelProblem(level: string, last: boolean, named: boolean, seen: Set<string>): string | undefined {
  const head = level[0];
  const wild = head === '+' || head === '#';
  const body = wild ? level.slice(1) : level;
  const stray = body.includes('+') ? '+' : body.includes('#') ? '#' : undefined;
  if (!named && (stray !== undefined || (wild && body !== ''))) {
    const hint = wild && stray === undefined ? '; named wildcards are for routes, a broker refuses them' : '';
    return `"${wild ? head : stray}" must occupy a whole level (found "${level}"${hint})`;
  }
  if (stray !== undefined) {
    return wild
      ? `a wildcard name must not contain "+" or "#" (found "${level}")`
      : `"${stray}" must start its level (found "${level}")`;
  }
  if (head === '#' && !last) return '"#" must be the last level';
  if (!wild || body === '') return undefined;
  if (!NAME.test(body) || body === '__proto__') {
    return `the wildcard name "${body}" must be an identifier (letters, digits, "_", not "__proto__")`;
  }
  if (seen.has(body)) return `the wildcard name "${body}" is used twice`;
  seen.add(body);
  return undefined;
}

/**
 * Parses a topic filter by MQTT 3.1.1 §4.7; with `named`, `+name` and `#name` are accepted too.
 * Returns the error instead of throwing so that `validateFilter` stays total.
 */
export function parseFilter(filter: string, named: boolean): ParsedFilter | InvalidTopicError {
  if (typeof filter !== 'string')
    return new InvalidTopicError(String(filter), 'filter', 'it is not a string');
  const encoding = encodingProblem(filter);
  if (encoding !== undefined) return new InvalidTopicError(filter, 'filter', encoding);
  const raw = filter.split('/');
  const levels: string[] = [];
  const slots: ParamSlot[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const level = raw[i] as string;
    const problem = levelProblem(level, i === raw.length - 1, named, seen);
    if (problem !== undefined) return new InvalidTopicError(filter, 'filter', problem);
    const head = level[0];
    if (head === '+' || head === '#') {
      levels.push(head);
      if (level.length > 1) slots.push({ name: level.slice(1), level: i, rest: head === '#' });
    } else {
      levels.push(level);
    }
  }
  return { filter, levels, slots };
}
