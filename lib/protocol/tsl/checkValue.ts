import { preview } from '../lenient';
import type { DataType, Field } from './DataType';

/** Which rule of the thing model a value breaks. */
export type TslRule =
  | 'type' // not the data type at all: a string for an int, an object for a text, …
  | 'integer' // a fraction for an int or an enum
  | 'min'
  | 'max'
  | 'length' // a text longer than its length
  | 'enum' // an enum value that is not one of the keys, a bool that is not 0 or 1
  | 'size' // an array with more items than its size
  | 'undefined' // an identifier the thing model does not define
  | 'readOnly'; // a property set that the thing model lets the device report only

/** One broken rule, at a path such as `temp`, `pos.lat` or `hist[3]`. */
export interface TslViolation {
  readonly path: string;
  readonly rule: TslRule;
  readonly message: string;
}

const at = (path: string): string => (path === '' ? '(root)' : path);
const violation = (path: string, rule: TslRule, text: string): TslViolation => ({
  path,
  rule,
  message: `at ${at(path)}: ${text}`,
});

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** Checks a named set of values against their fields: struct values, event outputs, service params. */
export function checkFields(
  fields: readonly Field[],
  u: unknown,
  path: string,
  what = 'struct',
): TslViolation[] {
  if (!isRecord(u)) return [violation(path, 'type', `expected a ${what} (an object), got ${preview(u)}`)];
  const byId = new Map(fields.map((field) => [field.identifier, field]));
  const problems: TslViolation[] = [];
  for (const [key, value] of Object.entries(u)) {
    const field = byId.get(key);
    if (field === undefined) problems.push(violation(join(path, key), 'undefined', `${key} is not defined`));
    else problems.push(...checkValue(field.dataType, value, join(path, key)));
  }
  return problems;
}

/** Every rule of `dataType` that `u` breaks; none for a valid value. */
export function checkValue(dataType: DataType, u: unknown, path: string): TslViolation[] {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double': {
      if (typeof u !== 'number' || !Number.isFinite(u))
        return [violation(path, 'type', `expected ${dataType.type}, got ${preview(u)}`)];
      if (dataType.type === 'int' && !Number.isInteger(u))
        return [violation(path, 'integer', `expected an integer, got ${u}`)];
      if (dataType.min !== undefined && u < dataType.min)
        return [violation(path, 'min', `${u} is below the min ${dataType.min}`)];
      if (dataType.max !== undefined && u > dataType.max)
        return [violation(path, 'max', `${u} is above the max ${dataType.max}`)];
      return [];
    }
    case 'text':
      if (typeof u !== 'string') return [violation(path, 'type', `expected text, got ${preview(u)}`)];
      return dataType.length !== undefined && u.length > dataType.length
        ? [violation(path, 'length', `${u.length} characters is over the length ${dataType.length}`)]
        : [];
    case 'bool':
      return u === 0 || u === 1 ? [] : [violation(path, 'enum', `expected bool 0 or 1, got ${preview(u)}`)];
    case 'enum': {
      if (typeof u !== 'number') return [violation(path, 'type', `expected an enum key, got ${preview(u)}`)];
      if (!Number.isInteger(u)) return [violation(path, 'integer', `expected an integer enum key, got ${u}`)];
      const keys = Object.keys(dataType.values);
      return keys.includes(String(u))
        ? []
        : [violation(path, 'enum', `${u} is not one of ${keys.join(', ')}`)];
    }
    case 'date':
      return (typeof u === 'string' && /^\d+$/.test(u)) || (Number.isSafeInteger(u) && (u as number) >= 0)
        ? []
        : [violation(path, 'type', `expected a date (UTC milliseconds), got ${preview(u)}`)];
    case 'struct':
      return checkFields(dataType.fields, u, path);
    case 'array': {
      if (!Array.isArray(u)) return [violation(path, 'type', `expected an array, got ${preview(u)}`)];
      const problems =
        dataType.size !== undefined && u.length > dataType.size
          ? [violation(path, 'size', `${u.length} items is over the size ${dataType.size}`)]
          : [];
      const item = dataType.item;
      return problems.concat(u.flatMap((value: unknown, i) => checkValue(item, value, `${path}[${i}]`)));
    }
  }
}

/** A valid value as it goes on the wire: a date given as a number becomes its string of digits. */
export function normalizeValue(dataType: DataType, u: unknown): unknown {
  switch (dataType.type) {
    case 'date':
      return typeof u === 'number' ? String(u) : u;
    case 'struct':
      return normalizeFields(dataType.fields, u);
    case 'array':
      return Array.isArray(u) ? u.map((value: unknown) => normalizeValue(dataType.item, value)) : u;
    default:
      return u;
  }
}

export function normalizeFields(fields: readonly Field[], u: unknown): unknown {
  if (!isRecord(u)) return u;
  const byId = new Map(fields.map((field) => [field.identifier, field]));
  return Object.fromEntries(
    Object.entries(u).map(([key, value]) => {
      const field = byId.get(key);
      return [key, field === undefined ? value : normalizeValue(field.dataType, value)];
    }),
  );
}
