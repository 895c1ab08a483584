import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { contextPath } from '../describeErrors';
import { preview } from '../lenient';
import type { DataType, DataTypeName, Field } from './DataType';

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const NAMES: readonly DataTypeName[] = [
  'int',
  'float',
  'double',
  'text',
  'bool',
  'enum',
  'date',
  'struct',
  'array',
];
const ITEM_NAMES: readonly DataTypeName[] = ['int', 'float', 'double', 'text', 'struct'];
/** The platform's limits on text length and array size. */
export const MAX_TEXT_LENGTH = 10240;
export const MAX_ARRAY_SIZE = 512;

type Read<A> = E.Either<string[], A>;
const fail = (path: string, text: string): Read<never> => E.left([`at ${path}: ${text}`]);

/** A spec number: the console writes them as strings (`"min":"-40"`); numbers are taken too. */
function specNumber(
  specs: Readonly<Record<string, unknown>>,
  key: string,
  path: string,
): Read<number | undefined> {
  const u = specs[key];
  if (u === undefined || u === '') return E.right(undefined);
  const n = typeof u === 'string' ? Number(u) : u;
  return typeof n === 'number' && Number.isFinite(n)
    ? E.right(n)
    : fail(`${path}.${key}`, `expected a number, got ${preview(u)}`);
}

function numbers(
  specs: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  path: string,
): Read<Record<string, number>> {
  const found: Record<string, number> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const n = specNumber(specs, key, path);
    if (E.isLeft(n)) problems.push(...n.left);
    else if (n.right !== undefined) found[key] = n.right;
  }
  return problems.length > 0 ? E.left(problems) : E.right(found);
}

function labels(
  specs: Readonly<Record<string, unknown>>,
  path: string,
  integerKeys: boolean,
): Read<Record<string, string>> {
  const problems = Object.entries(specs).flatMap(([key, label]) =>
    integerKeys && !/^-?\d+$/.test(key)
      ? [`at ${path}.${key}: an enum key must be an integer`]
      : typeof label !== 'string'
        ? [`at ${path}.${key}: expected a label (a string), got ${preview(label)}`]
        : [],
  );
  return problems.length > 0 ? E.left(problems) : E.right(specs as Record<string, string>);
}

/** Reads `dataType` of the console's export: `{ type, specs }`, spec values as strings. */
export function readDataType(u: unknown, path: string, within?: 'struct' | 'array'): Read<DataType> {
  if (!isRecord(u)) return fail(path, `expected a dataType object, got ${preview(u)}`);
  const type = u['type'] as DataTypeName;
  const allowed =
    within === 'array' ? ITEM_NAMES : within === 'struct' ? NAMES.filter((n) => n !== 'struct') : NAMES;
  if (!allowed.includes(type))
    return fail(
      `${path}.type`,
      `expected one of ${allowed.join(', ')}${within ? ` (in ${within === 'array' ? 'an array' : 'a struct'})` : ''}, got ${preview(u['type'])}`,
    );
  const rawSpecs = u['specs'] ?? (type === 'struct' ? [] : {});
  const at = `${path}.specs`;
  switch (type) {
    case 'int':
    case 'float':
    case 'double': {
      if (!isRecord(rawSpecs)) return fail(at, `expected an object, got ${preview(rawSpecs)}`);
      const unit =
        typeof rawSpecs['unit'] === 'string' && rawSpecs['unit'] !== '' ? { unit: rawSpecs['unit'] } : {};
      return E.map((found: Record<string, number>) => ({ type, ...found, ...unit }))(
        numbers(rawSpecs, ['min', 'max', 'step'], at),
      );
    }
    case 'text': {
      if (!isRecord(rawSpecs)) return fail(at, `expected an object, got ${preview(rawSpecs)}`);
      const length = specNumber(rawSpecs, 'length', at);
      if (E.isLeft(length)) return length;
      if (length.right !== undefined && (length.right < 0 || length.right > MAX_TEXT_LENGTH))
        return fail(`${at}.length`, `must be 0–${MAX_TEXT_LENGTH}, got ${length.right}`);
      return E.right(length.right === undefined ? { type } : { type, length: length.right });
    }
    case 'bool':
    case 'enum': {
      if (!isRecord(rawSpecs)) return fail(at, `expected an object of labels, got ${preview(rawSpecs)}`);
      const read = labels(rawSpecs, at, true);
      if (E.isLeft(read)) return read;
      if (type === 'enum') return E.right({ type, values: read.right });
      return E.right(Object.keys(read.right).length === 0 ? { type } : { type, labels: read.right });
    }
    case 'date':
      return E.right({ type });
    case 'struct': {
      if (!Array.isArray(rawSpecs)) return fail(at, `expected a list of fields, got ${preview(rawSpecs)}`);
      return E.map((fields: Field[]) => ({ type, fields }))(readFields(rawSpecs, at, 'struct'));
    }
    case 'array': {
      if (!isRecord(rawSpecs))
        return fail(at, `expected an object with size and item, got ${preview(rawSpecs)}`);
      const size = specNumber(rawSpecs, 'size', at);
      const item = readDataType(rawSpecs['item'], `${at}.item`, 'array');
      const problems = [...(E.isLeft(size) ? size.left : []), ...(E.isLeft(item) ? item.left : [])];
      if (E.isLeft(size) || E.isLeft(item)) return E.left(problems);
      if (
        size.right !== undefined &&
        (!Number.isInteger(size.right) || size.right < 0 || size.right > MAX_ARRAY_SIZE)
      )
        return fail(`${at}.size`, `must be an integer 0–${MAX_ARRAY_SIZE}, got ${size.right}`);
      return E.right(
        size.right === undefined ? { type, item: item.right } : { type, size: size.right, item: item.right },
      );
    }
  }
}

/** Reads a list of named fields: a struct's specs, an event's `outputData`, a service's `inputData`. */
export function readFields(list: readonly unknown[], path: string, within?: 'struct'): Read<Field[]> {
  const fields: Field[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  list.forEach((u, i) => {
    const at = `${path}.${i}`;
    if (!isRecord(u) || typeof u['identifier'] !== 'string' || u['identifier'] === '') {
      problems.push(
        `at ${at}.identifier: expected a non-empty string, got ${preview(isRecord(u) ? u['identifier'] : u)}`,
      );
      return;
    }
    const identifier = u['identifier'];
    if (seen.has(identifier)) problems.push(`at ${at}.identifier: ${identifier} is defined twice`);
    seen.add(identifier);
    const dataType = readDataType(u['dataType'], `${at}.dataType`, within);
    if (E.isLeft(dataType)) problems.push(...dataType.left);
    else
      fields.push({
        identifier,
        dataType: dataType.right,
        ...(typeof u['name'] === 'string' ? { name: u['name'] } : {}),
      });
  });
  return problems.length > 0 ? E.left(problems) : E.right(fields);
}

/** The codec of a `dataType`: a readable failure for each problem, its path from the document's root. */
export const DataTypeCodec = new t.Type<DataType, unknown, unknown>(
  'DataType',
  (u): u is DataType => E.isRight(readDataType(u, '')),
  (u, c) => {
    const path = contextPath(c);
    const read = readDataType(u, path);
    return E.isRight(read)
      ? t.success(read.right)
      : t.failures(read.left.map((message) => ({ value: u, context: c, message })));
  },
  t.identity,
);

/** The codec of a field list (`outputData`, `inputData`); a plain identifier (the generated `get`'s) is passed over. */
const FieldList = new t.Type<Field[], unknown, unknown>(
  'FieldList',
  (u): u is Field[] => Array.isArray(u),
  (u, c) => {
    const path = contextPath(c);
    if (!Array.isArray(u))
      return t.failure(u, c, `at ${path}: expected a list of parameters, got ${preview(u)}`);
    const read = readFields(
      u.filter((item) => typeof item !== 'string'),
      path,
    );
    return E.isRight(read)
      ? t.success(read.right)
      : t.failures(read.left.map((message) => ({ value: u, context: c, message })));
  },
  t.identity,
);

const Identifier = new t.Type<string, string, unknown>(
  'Identifier',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) =>
    typeof u === 'string' && u !== ''
      ? t.success(u)
      : t.failure(u, c, `at ${contextPath(c)}: expected a non-empty identifier, got ${preview(u)}`),
  t.identity,
);

export const TslProperty = t.intersection([
  t.type({ identifier: Identifier, dataType: DataTypeCodec }),
  t.partial({
    name: t.string,
    accessMode: t.keyof({ r: null, rw: null }),
    required: t.boolean,
    desc: t.string,
  }),
]);

export const TslEvent = t.intersection([
  t.type({ identifier: Identifier }),
  t.partial({
    name: t.string,
    type: t.keyof({ info: null, alert: null, error: null }),
    method: t.string,
    outputData: FieldList,
    required: t.boolean,
    desc: t.string,
  }),
]);

export const TslService = t.intersection([
  t.type({ identifier: Identifier }),
  t.partial({
    name: t.string,
    callType: t.keyof({ sync: null, async: null }),
    method: t.string,
    inputData: FieldList,
    outputData: FieldList,
    required: t.boolean,
    desc: t.string,
  }),
]);

/** A TSL document as the console exports it; a custom module's has a `functionBlockId`. */
export const TslDocument = t.partial(
  {
    schema: t.string,
    profile: t.partial({ productKey: t.string, version: t.string }),
    functionBlockId: t.string,
    functionBlockName: t.string,
    properties: t.array(TslProperty),
    events: t.array(TslEvent),
    services: t.array(TslService),
  },
  'TslDocument',
);
export type TslDocument = t.TypeOf<typeof TslDocument>;
