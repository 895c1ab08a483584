import * as E from 'fp-ts/Either';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS, DEMO_PRODUCT, loadEmulatorConfig } from '../../lib/cli/emulatorConfig';

const tsl = {
  schema: 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json',
  profile: { productKey: 'a1Tsl000001' },
  properties: [
    { identifier: 'on', accessMode: 'rw', dataType: { type: 'bool', specs: { 0: 'off', 1: 'on' } } },
  ],
  events: [],
  services: [],
};

describe('loadEmulatorConfig', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('should fill in the defaults, and the demo device when there are no products', async () => {
    expect(await loadEmulatorConfig(write('e.json', {}))).toEqual(
      E.right({
        host: '127.0.0.1',
        ports: DEFAULT_PORTS,
        products: [DEMO_PRODUCT],
        firmwares: [],
        maxPayloadBytes: undefined,
        forwardDevicePublishes: undefined,
        packPostLimits: undefined,
        propertyHistoryLimit: undefined,
      }),
    );
  });

  it('should read the limits of the pack post and the property history, and say what is wrong with one', async () => {
    const limits = { packPostLimits: { properties: 10, subDevices: 2 }, propertyHistoryLimit: 50 };
    const config = await loadEmulatorConfig(write('l.json', limits));
    expect(E.isRight(config) && config.right).toMatchObject(limits);
    const bad = await loadEmulatorConfig(
      write('bad.json', { packPostLimits: { events: -1 }, propertyHistoryLimit: 0 }),
    );
    expect(bad).toEqual(
      E.left([
        expect.stringMatching(/bad\.json: packPostLimits\.events: .*from 0 to/),
        expect.stringMatching(/bad\.json: propertyHistoryLimit: .*from 1 to/),
      ]),
    );
  });

  it('should read a TSL and a firmware image relative to the config file', async () => {
    write('tsl.json', tsl);
    const file = write('e.json', {
      ports: { api: 0 },
      products: [
        { productKey: 'a1Tsl000001', tsl: 'tsl.json', devices: [{ deviceName: 'd1', deviceSecret: 's' }] },
      ],
      firmwares: [{ firmwareId: 'fw', version: '1.1', image: 'fw.bin' }],
    });
    const config = await loadEmulatorConfig(file);
    if (E.isLeft(config)) throw new Error(config.left.join('\n'));
    expect(config.right.ports).toEqual({ ...DEFAULT_PORTS, api: 0 });
    expect(Object.keys(config.right.products[0]!.tsl!.properties)).toEqual(['on']);
    expect(config.right.firmwares).toEqual([
      { firmwareId: 'fw', version: '1.1', image: join(dir, 'fw.bin') },
    ]);
  });

  it('should take a TSL inline, and say what is wrong with one', async () => {
    const ok = await loadEmulatorConfig(
      write('a.json', { products: [{ productKey: 'p', tsl, devices: [] }] }),
    );
    expect(E.isRight(ok)).toBe(true);
    const bad = await loadEmulatorConfig(
      write('b.json', { products: [{ productKey: 'p', tsl: { properties: 3 }, devices: [] }] }),
    );
    expect(bad).toEqual(E.left([expect.stringMatching(/b\.json: products\.0\.tsl: /)]));
  });

  it("should read a product's data-parsing script relative to the config file, with its TSL or without", async () => {
    write('parser.js', 'function rawDataToProtocol(b) { return {}; }');
    write('tsl.json', tsl);
    const device = [{ deviceName: 'd1', deviceSecret: 's' }];
    const config = await loadEmulatorConfig(
      write('p.json', {
        products: [
          { productKey: 'p1', dataParser: 'parser.js', devices: device },
          { productKey: 'p2', dataParser: 'parser.js', tsl: 'tsl.json', devices: device },
        ],
      }),
    );
    if (E.isLeft(config)) throw new Error(config.left.join('\n'));
    const [plain, modelled] = config.right.products;
    expect(plain).toEqual({
      productKey: 'p1',
      devices: device,
      dataParser: 'function rawDataToProtocol(b) { return {}; }',
    });
    expect(modelled?.dataParser).toBe(plain?.dataParser);
    expect(Object.keys(modelled?.tsl?.properties ?? {})).toEqual(['on']);
    const missing = await loadEmulatorConfig(
      write('q.json', { products: [{ productKey: 'p', dataParser: 'gone.js', devices: [] }] }),
    );
    expect(missing).toEqual(E.left([expect.stringMatching(/q\.json: products\.0\.dataParser: ENOENT/)]));
  });

  it('should say when the file or a TSL file cannot be read or is not JSON', async () => {
    expect(await loadEmulatorConfig(join(dir, 'none.json'))).toEqual(
      E.left([expect.stringMatching(/none\.json: ENOENT/)]),
    );
    expect(await loadEmulatorConfig(write('x.json', '{'))).toEqual(
      E.left([expect.stringMatching(/x\.json: .*JSON/)]),
    );
    const missing = await loadEmulatorConfig(
      write('m.json', { products: [{ productKey: 'p', tsl: 'gone.json', devices: [] }] }),
    );
    expect(missing).toEqual(E.left([expect.stringMatching(/m\.json: products\.0\.tsl: ENOENT/)]));
  });
});
