import * as t from 'io-ts';
import { DigestMethod, NumberFromStringOrNumber } from './lenient';

/** Alink methods of remote configuration. */
export const CONFIG_METHODS = { get: 'thing.config.get', push: 'thing.config.push' } as const;

/** Codes of a `config/get` reply besides 200. */
export const CONFIG_CODES = {
  /** Remote configuration is switched off for the product. */
  notAvailable: 6713,
  /** No configuration has been written for the product. */
  noData: 6710,
} as const;

/** The params of `thing.config.get`: the product's configuration, as a file. */
export function configGetParams() {
  return { configScope: 'product', getType: 'file' } as const;
}

/**
 * A configuration file: the `data` of a `config/get` reply and the `params` of a `config/push`. Lenient:
 * `configSize` as a string or a number, `signMethod` in any case (the platform writes `Sha256`).
 */
export const ConfigFile = t.intersection(
  [
    t.type({
      configId: t.string,
      configSize: NumberFromStringOrNumber,
      sign: t.string,
      signMethod: DigestMethod,
      url: t.string,
    }),
    t.partial({ getType: t.string }),
  ],
  'ConfigFile',
);
export type ConfigFile = t.TypeOf<typeof ConfigFile>;

/** A configuration file as the cloud sends it (`signMethod` as the platform writes it, `Sha256`). */
export function configFileData(file: Omit<ConfigFile, 'signMethod' | 'getType'>) {
  const { configId, configSize, sign, url } = file;
  return { configId, configSize, sign, signMethod: 'Sha256', url, getType: 'file' };
}
