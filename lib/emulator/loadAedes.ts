import type { createBroker } from 'aedes';

/** The aedes versions the emulator runs on: the `peerDependencies` range of package.json. */
export const AEDES_RANGE = '^0.51.0';

/** aedes's broker factory, which the emulator builds its broker with. */
export type CreateBroker = typeof createBroker;

/**
 * The emulator runs on aedes, an optional peer dependency: a device-only install goes without it. This is
 * why `startEmulator` rejects with this error, naming what to install, when aedes cannot be found.
 */
export class MissingPeerDependencyError extends Error {
  override readonly name = 'MissingPeerDependencyError';

  constructor(
    readonly packageName: string,
    readonly range: string,
    options?: ErrorOptions,
  ) {
    super(
      `rx-aliyun-iot/emulator needs the package '${packageName}', which is not installed: ` +
        `npm install --save-dev ${packageName}@${range}`,
      options,
    );
  }
}

type AedesModule = {
  readonly createBroker?: CreateBroker;
  readonly default?: { readonly createBroker?: CreateBroker };
};

/**
 * Loads aedes when an emulator starts rather than when 'rx-aliyun-iot/emulator' is imported, so that a
 * missing aedes gives a {@link MissingPeerDependencyError} instead of a module resolution error.
 * `importAedes` is for tests.
 */
export async function loadAedes(
  importAedes: () => Promise<unknown> = () => import('aedes'),
): Promise<CreateBroker> {
  let loaded: AedesModule;
  try {
    loaded = (await importAedes()) as AedesModule;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new MissingPeerDependencyError('aedes', AEDES_RANGE, { cause: error });
    }
    throw error;
  }
  // aedes is CommonJS: Node's ESM loader gives it as one default export, require() with its named ones.
  const factory = loaded.createBroker ?? loaded.default?.createBroker;
  if (factory === undefined) throw new TypeError('aedes has no createBroker(): aedes >= 0.51 is needed');
  return factory;
}
