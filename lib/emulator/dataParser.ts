import * as vm from 'node:vm';
import { ALINK_CODES } from '../protocol';

/**
 * A pass-through product's data-parsing script, as the two functions the platform's console asks for. The
 * emulator runs them where the platform does: on what a device sends on `thing/model/up_raw` and
 * `down_raw_reply`, and on the property sets, service calls and replies it sends such a device.
 */
export interface DataParser {
  /**
   * The device's bytes, each a signed byte (−128…127) as the platform's script gets them (`& 0xff` gives
   * 0…255), to an Alink message: a request with its `method` (a property or event post), or a reply with its
   * `id` and `code` (the answer to a property set or a service call).
   */
  rawDataToProtocol(rawData: number[]): unknown;
  /**
   * An Alink message (a property set or service call, or the platform's reply to the device's request) to the
   * bytes the device gets: integers of −128…255 (a negative one is the signed byte), or a `Uint8Array`.
   */
  protocolToRawData(json: Record<string, unknown>): readonly number[] | Uint8Array;
}

/** What a data-parsing script gave, or why it gave nothing (`code` one of the platform's 26002, 26007). */
export type ParseResult<A> =
  | { readonly _tag: 'Parsed'; readonly value: A }
  | { readonly _tag: 'ParseFailure'; readonly code: number; readonly message: string };

/** The two directions of a data-parsing script, each giving its result as a value. */
export interface DataParsing {
  toProtocol(bytes: Uint8Array): ParseResult<Record<string, unknown>>;
  toRawData(json: Record<string, unknown>): ParseResult<Buffer>;
}

/** A data-parsing script that cannot run: it does not compile, or lacks one of the two functions. */
export class DataParserError extends Error {
  override readonly name = 'DataParserError';
  constructor(
    readonly productKey: string,
    /** 26002 for a script that does not compile or throws as it loads, 26006 for a missing function. */
    readonly code: number,
    reason: string,
  ) {
    super(`the data-parsing script of product ${productKey} cannot run: ${reason}`);
  }
}

/** How long one run of a script may take: a script that loops forever must not stop the emulator. */
const SCRIPT_TIMEOUT_MS = 1000;

const FUNCTIONS = ['rawDataToProtocol', 'protocolToRawData'] as const;

/**
 * The script of a product, ready to run: `parser` is JavaScript source as submitted in the console (run by
 * `node:vm` in a context of its own, each call at most a second; `vm` is no security boundary, and the script
 * is the emulator user's own), or the two functions. Throws `DataParserError` for source that does not
 * compile or lacks a function, so that a wrong script stops `startEmulator` rather than each message.
 */
export function dataParsing(productKey: string, parser: string | DataParser): DataParsing {
  const functions = typeof parser === 'string' ? compileScript(productKey, parser) : parser;
  for (const name of FUNCTIONS) {
    if (typeof functions[name] !== 'function') {
      throw new DataParserError(
        productKey,
        ALINK_CODES.parseScriptFunctionMissing,
        `it defines no function ${name}`,
      );
    }
  }
  return {
    toProtocol(bytes) {
      const signed = Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return run(() => functions.rawDataToProtocol(signed), 'rawDataToProtocol', asJsonObject);
    },
    toRawData(json) {
      return run(() => functions.protocolToRawData(json), 'protocolToRawData', asBytes);
    },
  };
}

function compileScript(productKey: string, source: string): DataParser {
  const context = vm.createContext({});
  try {
    new vm.Script(source, { filename: `${productKey}.js` }).runInContext(context, {
      timeout: SCRIPT_TIMEOUT_MS,
    });
  } catch (error) {
    throw new DataParserError(productKey, ALINK_CODES.parseScriptError, String(error));
  }
  // Each call runs as a script of its own, so that the timeout holds for it too.
  const call = (name: string) => {
    const script = new vm.Script(`${name}(__input)`);
    return (input: unknown): unknown => {
      context['__input'] = input;
      try {
        return script.runInContext(context, { timeout: SCRIPT_TIMEOUT_MS });
      } finally {
        delete context['__input'];
      }
    };
  };
  const defined = (name: string) => typeof context[name] === 'function';
  return {
    ...(defined('rawDataToProtocol') ? { rawDataToProtocol: call('rawDataToProtocol') } : {}),
    ...(defined('protocolToRawData')
      ? { protocolToRawData: call('protocolToRawData') as DataParser['protocolToRawData'] }
      : {}),
  } as DataParser;
}

function run<A>(
  call: () => unknown,
  name: string,
  check: (result: unknown) => A | undefined,
): ParseResult<A> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return {
      _tag: 'ParseFailure',
      code: ALINK_CODES.parseScriptError,
      message: `${name} failed: ${String(error)}`,
    };
  }
  const value = check(result);
  if (value === undefined) {
    const what = name === 'rawDataToProtocol' ? 'a JSON object' : 'a non-empty array of bytes';
    return {
      _tag: 'ParseFailure',
      code: ALINK_CODES.parseScriptBadResult,
      message: `${name} must give ${what}, not ${preview(result)}`,
    };
  }
  return { _tag: 'Parsed', value };
}

/**
 * The result as a JSON object of this realm: a script's objects come from a context of their own, and what
 * JSON cannot carry (a function, `undefined`) is not Alink.
 */
function asJsonObject(result: unknown): Record<string, unknown> | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  try {
    return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A non-empty array of bytes (the console's "cannot be empty"); typed arrays of another realm count too. */
function asBytes(result: unknown): Buffer | undefined {
  const arrayLike =
    Array.isArray(result) ||
    (ArrayBuffer.isView(result) && typeof (result as { length?: unknown }).length === 'number');
  if (!arrayLike) return undefined;
  const values = Array.from(result as ArrayLike<unknown>);
  const bytes = values.every((v) => Number.isInteger(v) && (v as number) >= -128 && (v as number) <= 255);
  return bytes && values.length > 0 ? Buffer.from(values.map((v) => (v as number) & 0xff)) : undefined;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length <= 80 ? text : `${text.slice(0, 80)}…`;
}
