import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ApiFirmware } from '../emulator/cloudApiActions';
import type { EmulatedProduct } from '../emulator/authenticateDevice';
import type { PackPostLimits } from '../emulator/cloudThingBatches';
import { integer, kindOf, oneOf, rule, show } from '../identity/rule';
import { contextPath, decodeTsl } from '../protocol';

/** Where the emulator listens: a port per listener, 0 for a free one. */
export interface EmulatorPorts {
  readonly mqtt: number;
  readonly mqtts: number;
  readonly ws: number;
  readonly wss: number;
  /** The server API over HTTP. */
  readonly api: number;
}

/** What `rx-aliyun-iot emulator` starts: the config file, its defaults filled in. */
export interface EmulatorConfig {
  readonly host: string;
  readonly ports: EmulatorPorts;
  readonly products: readonly EmulatedProduct[];
  readonly firmwares: readonly ApiFirmware[];
  readonly maxPayloadBytes?: number | undefined;
  readonly forwardDevicePublishes?: boolean | undefined;
  readonly packPostLimits?: PackPostLimits | undefined;
  readonly propertyHistoryLimit?: number | undefined;
}

/** MQTT's and its TLS's usual ports, and those MQTT brokers give websockets. */
export const DEFAULT_PORTS: EmulatorPorts = { mqtt: 1883, mqtts: 8883, ws: 8083, wss: 8084, api: 8088 };

/** The one device the emulator knows without a config file. */
export const DEMO_PRODUCT: EmulatedProduct = {
  productKey: 'a1DemoProd1',
  devices: [{ deviceName: 'demo-device', deviceSecret: 'demo-secret-0123456789abcdef0123' }],
};

const text = (name: string) =>
  rule(
    name,
    (u): u is string => typeof u === 'string' && u !== '',
    (u) => `must be a non-empty string, got ${show(u)}`,
  );
/** A secret's codec shows what a bad value is, never what it holds. */
const secret = (name: string) =>
  rule(
    name,
    (u): u is string => typeof u === 'string' && u !== '',
    (u) => `must be a non-empty string, got ${kindOf(u)}`,
  );
const port = integer(0, 65535);
/** How many items a message may carry at most. */
const count = integer(0, 1_000_000);

const flag = rule(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u) => `must be true or false, got ${show(u)}`,
);
/** A device without a secret registers dynamically (its product needs `productSecret` and `dynamicRegistration`). */
const Device = t.intersection([
  t.type({ deviceName: text('DeviceName') }),
  t.partial({ deviceSecret: secret('DeviceSecret') }),
]);
const Product = t.intersection([
  t.type({ productKey: text('ProductKey'), devices: t.array(Device) }),
  t.partial({
    productSecret: secret('ProductSecret'),
    dynamicRegistration: flag,
    tsl: t.union([text('TslFile'), t.UnknownRecord]),
    dataParser: text('DataParserFile'),
  }),
]);
const FirmwareEntry = t.intersection([
  t.type({ firmwareId: text('FirmwareId'), version: text('Version') }),
  t.partial({
    image: text('ImageFile'),
    url: text('Url'),
    size: integer(0, Number.MAX_SAFE_INTEGER),
    md5: text('Md5'),
    sign: text('Sign'),
    signMethod: oneOf('SignMethod', ['MD5', 'SHA256']),
    module: text('Module'),
  }),
]);
const ConfigFile = t.partial({
  host: text('Host'),
  ports: t.partial({ mqtt: port, mqtts: port, ws: port, wss: port, api: port }),
  maxPayloadBytes: integer(1, 256 * 1024 * 1024),
  forwardDevicePublishes: flag,
  packPostLimits: t.partial({ properties: count, events: count, subDevices: count }),
  propertyHistoryLimit: integer(1, 1_000_000),
  products: t.array(Product),
  firmwares: t.array(FirmwareEntry),
});

/** Each failure as `products.0.devices.1.deviceSecret: must be …`. */
const problems = (errors: t.Errors) =>
  errors.map(
    ({ message, context }) =>
      `${contextPath(context) || '(root)'}: ${message ?? `expected ${context.at(-1)?.type.name}`}`,
  );

/**
 * Reads a config file: products and devices, listeners, firmwares. A product's `tsl` is a TSL export or the
 * path of one, its `dataParser` the path of its data-parsing script (JavaScript, as submitted in the console),
 * and a firmware's `image` a file, relative to the config file. Left: every problem, one line each.
 */
export async function loadEmulatorConfig(file: string): Promise<E.Either<readonly string[], EmulatorConfig>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return E.left([`${file}: ${(error as Error).message}`]);
  }
  const decoded = ConfigFile.decode(json);
  if (E.isLeft(decoded)) return E.left(problems(decoded.left).map((p) => `${file}: ${p}`));
  const config = decoded.right;
  const base = dirname(resolve(file));
  const failures: string[] = [];
  const products: EmulatedProduct[] = [];
  for (const [i, { tsl, dataParser, ...product }] of (config.products ?? []).entries()) {
    const at = `${file}: products.${i}`;
    let script: string | undefined;
    if (dataParser !== undefined) {
      try {
        script = await readFile(resolve(base, dataParser), 'utf8');
      } catch (error) {
        failures.push(`${at}.dataParser: ${(error as Error).message}`);
        continue;
      }
    }
    const parsed = script === undefined ? product : { ...product, dataParser: script };
    if (tsl === undefined) {
      products.push(parsed);
      continue;
    }
    let document: unknown = tsl;
    if (typeof tsl === 'string') {
      try {
        document = JSON.parse(await readFile(resolve(base, tsl), 'utf8'));
      } catch (error) {
        failures.push(`${at}.tsl: ${(error as Error).message}`);
        continue;
      }
    }
    const model = decodeTsl(document);
    if (E.isLeft(model)) failures.push(...model.left.problems.map((p) => `${at}.tsl: ${p}`));
    else products.push({ ...parsed, tsl: model.right });
  }
  if (failures.length > 0) return E.left(failures);
  const firmwares = (config.firmwares ?? []).map((f) =>
    f.image === undefined ? f : { ...f, image: resolve(base, f.image) },
  );
  return E.right({
    host: config.host ?? '127.0.0.1',
    ports: { ...DEFAULT_PORTS, ...config.ports },
    products: products.length > 0 ? products : [DEMO_PRODUCT],
    firmwares,
    maxPayloadBytes: config.maxPayloadBytes,
    forwardDevicePublishes: config.forwardDevicePublishes,
    packPostLimits: config.packPostLimits,
    propertyHistoryLimit: config.propertyHistoryLimit,
  });
}
