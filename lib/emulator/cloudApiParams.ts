import { nestedDeeperThan, parseJson } from '../json/parseJson';
import { MAX_JSON_DEPTH } from './decodeDevicePayload';

/** The parameters of one server API request: the query string and the body, each name with its values. */
export type ApiParams = ReadonlyMap<string, readonly string[]>;

/** A request the emulator's server API refuses or cannot carry out, as the platform answers it. */
export class CloudApiError extends Error {
  override readonly name = 'CloudApiError';
  constructor(
    /** The platform's style of code, e.g. `iot.device.NotExistedDevice`. */
    readonly code: string,
    message: string,
    /** The HTTP status: 200 for what the platform answers with `Success: false`, 4xx for a malformed request. */
    readonly status = 200,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new CloudApiError('iot.common.InvalidFormattedParameter', message, 400);

/**
 * Reads parameters as the platform's API takes them: from a query string or a form body
 * (`TargetDeviceName.1=a&TargetDeviceName.2=b`), or a JSON body (`{"TargetDeviceName": ["a", "b"]}`;
 * an object value, such as `Items`, stands for its JSON text).
 */
export function apiParams(
  query: URLSearchParams,
  body: URLSearchParams | Record<string, unknown>,
): ApiParams {
  const params = new Map<string, string[]>();
  const add = (name: string, value: string) => params.set(name, [...(params.get(name) ?? []), value]);
  for (const [name, value] of query) add(name, value);
  if (body instanceof URLSearchParams) for (const [name, value] of body) add(name, value);
  else
    for (const [name, value] of Object.entries(body)) {
      if (Array.isArray(value)) for (const item of value) add(name, textOf(item));
      else if (value !== undefined && value !== null) add(name, textOf(value));
    }
  return params;
}

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A parameter's value, or `undefined`. */
export function optional(params: ApiParams, name: string): string | undefined {
  return params.get(name)?.[0];
}

/** A parameter's value; a missing one is refused, as the platform does (`MissingParameter`). */
export function required(params: ApiParams, name: string): string {
  const value = optional(params, name);
  if (value === undefined || value === '')
    throw new CloudApiError(`Missing${name}`, `${name} is mandatory for this action`, 400);
  return value;
}

/** Every value of a list parameter: `Name.1`, `Name.2`, … in order, or `Name` repeated. */
export function list(params: ApiParams, name: string): readonly string[] {
  const numbered = [...params.keys()]
    .map((key) => /^(.+)\.(\d+)$/.exec(key))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === name)
    .sort((a, b) => Number(a[2]) - Number(b[2]))
    .flatMap((m) => params.get(m[0]) ?? []);
  return [...(params.get(name) ?? []), ...numbered];
}

/** A Base64 parameter (`MessageContent`, `RequestBase64Byte`) as its bytes. */
export function base64(params: ApiParams, name: string): Buffer {
  const value = required(params, name);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(`${name} must be Base64`);
  return Buffer.from(value, 'base64');
}

/** A parameter that holds JSON text (`Items`, `Args`, `ShadowMessage`). */
export function json(params: ApiParams, name: string): unknown {
  const value = required(params, name);
  let parsed: unknown;
  try {
    parsed = parseJson(value);
  } catch {
    throw invalid(`${name} must be JSON`);
  }
  if (nestedDeeperThan(parsed, MAX_JSON_DEPTH))
    throw invalid(`${name} nests deeper than ${MAX_JSON_DEPTH} levels`);
  return parsed;
}

/** A JSON object parameter. */
export function jsonObject(params: ApiParams, name: string): Record<string, unknown> {
  const value = json(params, name);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A whole number parameter within `[min, max]`, or `fallback` when it is missing. */
export function integer(params: ApiParams, name: string, min: number, max: number, fallback: number): number {
  const value = optional(params, name);
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalid(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** `true`/`false` parameter, or `fallback`. */
export function flag(params: ApiParams, name: string, fallback: boolean): boolean {
  const value = optional(params, name);
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`${name} must be true or false, got ${JSON.stringify(value)}`);
}
