import { AEDES_RANGE, loadAedes, MissingPeerDependencyError } from '../../lib/emulator/loadAedes';
import packageJson from '../../package.json';

describe('loadAedes', () => {
  it('should give aedes’s broker factory when aedes is installed', async () => {
    const createBroker = await loadAedes();
    const broker = createBroker();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    expect(broker.closed).toBe(true);
  });

  it('should take the factory from a default export, as Node’s ESM loader presents aedes', async () => {
    const createBroker = await loadAedes();
    await expect(loadAedes(async () => ({ default: { createBroker } }))).resolves.toBe(createBroker);
  });

  it('should name the package to install when it cannot be found', async () => {
    const missing = 'rx-aliyun-iot-no-such-package';
    const failure = loadAedes(() => import(missing));
    await expect(failure).rejects.toThrow(MissingPeerDependencyError);
    await expect(failure).rejects.toMatchObject({
      name: 'MissingPeerDependencyError',
      packageName: 'aedes',
      range: AEDES_RANGE,
      message: expect.stringContaining(`npm install --save-dev aedes@${AEDES_RANGE}`),
      cause: expect.objectContaining({ code: 'MODULE_NOT_FOUND' }),
    });
  });

  it('should name the range that package.json gives aedes as a peer dependency', () => {
    expect(AEDES_RANGE).toBe(packageJson.peerDependencies.aedes);
  });

  it('should pass on any other failure to load it as it is', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(loadAedes(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('should refuse a module without createBroker', async () => {
    await expect(loadAedes(async () => ({}))).rejects.toThrow('aedes >= 0.51 is needed');
  });
});
