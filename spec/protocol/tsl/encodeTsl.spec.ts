import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { encodeDataType, encodeTsl, TSL_SCHEMA } from '../../../lib/protocol/tsl/encodeTsl';
import { parseTsl } from '../../../lib/protocol/tsl/parseTsl';
import type { DataType } from '../../../lib/protocol/tsl/DataType';
import { event, property, service, thingModel, type ThingModel } from '../../../lib/protocol/tsl/ThingModel';
import { TslCodec } from '../../../lib/protocol/tsl/TslCodec';
import { tslTypes } from '../../../lib/protocol/tsl/tslTypes';
import { tslFixture } from '../../support/tslFixture';

const fixture = tslFixture;

/** What a thing model says, without its codecs: what two models must agree on to be the same model. */
const plain = (model: ThingModel) => ({
  productKey: model.productKey,
  properties: Object.fromEntries(
    Object.entries(model.properties).map(([id, p]) => [id, [p.accessMode, p.name, p.type.dataType]]),
  ),
  events: Object.fromEntries(
    Object.entries(model.events).map(([id, e]) => [id, [e.kind, e.name, e.output.dataType]]),
  ),
  services: Object.fromEntries(
    Object.entries(model.services).map(([id, s]) => [
      id,
      [s.callType, s.name, s.input.dataType, s.output.dataType],
    ]),
  ),
});

describe('encodeDataType', () => {
  it.each<[string, DataType, unknown]>([
    [
      'float',
      { type: 'float', min: -40, max: 120, step: 0.1, unit: '°C' },
      { type: 'float', specs: { min: '-40', max: '120', step: '0.1', unit: '°C' } },
    ],
    ['int without specs', { type: 'int' }, { type: 'int', specs: {} }],
    ['text', { type: 'text', length: 64 }, { type: 'text', specs: { length: '64' } }],
    ['bool', { type: 'bool', labels: { 0: 'off', 1: 'on' } }, { type: 'bool', specs: { 0: 'off', 1: 'on' } }],
    [
      'enum',
      { type: 'enum', values: { 0: 'auto', 2: 'eco' } },
      { type: 'enum', specs: { 0: 'auto', 2: 'eco' } },
    ],
    ['date', { type: 'date' }, { type: 'date', specs: {} }],
    [
      'struct',
      {
        type: 'struct',
        fields: [{ identifier: 'lat', name: '纬度', dataType: { type: 'double', max: 90 } }],
      },
      {
        type: 'struct',
        specs: [{ identifier: 'lat', name: '纬度', dataType: { type: 'double', specs: { max: '90' } } }],
      },
    ],
    [
      'array',
      { type: 'array', size: 10, item: { type: 'int', min: 0 } },
      { type: 'array', specs: { size: '10', item: { type: 'int', specs: { min: '0' } } } },
    ],
  ])('should write the %s type as the console does, spec values as strings', (_name, dataType, json) => {
    expect(encodeDataType(dataType)).toEqual(json);
  });
});

describe('encodeTsl', () => {
  it.each(['everyType', 'olderExport', 'customModule'])(
    'should give back the same thing model when decoded (%s)',
    (name) => {
      const model = parseTsl(fixture(name));
      const encoded = encodeTsl(model);
      expect(plain(parseTsl(encoded))).toEqual(plain(model));
      // And it survives the wire: JSON text and back.
      expect(plain(parseTsl(JSON.stringify(encoded)))).toEqual(plain(model));
    },
  );

  it('should write a typed model as the console export, with the platform methods of its events and services', () => {
    const model = thingModel({
      productKey: 'a1TestPK001',
      properties: { temp: property('r', tslTypes.float({ min: -40, max: 120 }), '温度') },
      events: { fault: event('error', { code: tslTypes.int({ min: 0, max: 255 }) }) },
      services: { reboot: service('sync', { delay: tslTypes.int({ max: 60 }) }, {}) },
    });
    expect(encodeTsl(model)).toEqual({
      schema: TSL_SCHEMA,
      profile: { productKey: 'a1TestPK001' },
      properties: [
        {
          identifier: 'temp',
          name: '温度',
          accessMode: 'r',
          required: false,
          dataType: { type: 'float', specs: { min: '-40', max: '120' } },
        },
      ],
      events: [
        {
          identifier: 'fault',
          type: 'error',
          method: 'thing.event.fault.post',
          required: false,
          outputData: [{ identifier: 'code', dataType: { type: 'int', specs: { min: '0', max: '255' } } }],
        },
      ],
      services: [
        {
          identifier: 'reboot',
          callType: 'sync',
          method: 'thing.service.reboot',
          required: false,
          inputData: [{ identifier: 'delay', dataType: { type: 'int', specs: { max: '60' } } }],
          outputData: [],
        },
      ],
    });
  });

  it('should give back identifiers a generated entry or every object has, and leave out infinite specs', () => {
    const model = parseTsl({
      properties: [{ identifier: 'constructor', dataType: { type: 'int', specs: {} } }],
      events: [{ identifier: 'property', type: 'info', outputData: [] }],
      services: [{ identifier: 'get', callType: 'async', method: 'thing.service.get', inputData: [] }],
    });
    const encoded = encodeTsl(model);
    expect(plain(parseTsl(JSON.stringify(encoded)))).toEqual(plain(model));
    expect(encodeDataType({ type: 'float', min: 0, max: Infinity })).toEqual({
      type: 'float',
      specs: { min: '0' },
    });
  });

  it('should keep the module of a custom module identifier in the one document', () => {
    const model = parseTsl(fixture('customModule'));
    const custom = Object.keys(model.properties).filter((id) => id.includes(':'));
    expect(custom.length).toBeGreaterThan(0);
    expect(encodeTsl(model).properties.map((p) => p.identifier)).toEqual(Object.keys(model.properties));
  });
});

describe('TslCodec', () => {
  it('should decode a document or its JSON text into a thing model, and encode it back', () => {
    const document = fixture('everyType');
    const decoded = TslCodec.decode(document);
    if (E.isLeft(decoded)) throw new Error('expected a thing model');
    expect(plain(decoded.right)).toEqual(plain(parseTsl(document)));
    expect(TslCodec.is(decoded.right)).toBe(true);
    expect(TslCodec.encode(decoded.right)).toEqual(encodeTsl(decoded.right));
    expect(E.isRight(TslCodec.decode(JSON.stringify(document)))).toBe(true);
  });

  it('should place its problems where the document sits, and each module at its place in the list', () => {
    const Reply = t.type({ data: TslCodec });
    const messages = (data: unknown) => {
      const decoded = Reply.decode({ data });
      return E.isLeft(decoded) ? decoded.left.map((error) => error.message) : [];
    };
    expect(messages(42)).toEqual([expect.stringMatching(/^at data: expected /)]);
    expect(messages([{}, { properties: [{ identifier: 'x', dataType: { type: 'decimal' } }] }])).toEqual([
      expect.stringMatching(/^at data\.1\.properties\.0\.dataType\.type: expected one of/),
    ]);
  });

  it('should fail with every problem of a document that is not a TSL, each with its path', () => {
    const decoded = TslCodec.decode({
      properties: [{ identifier: 'temp', dataType: { type: 'decimal' } }, { dataType: { type: 'int' } }],
    });
    expect(E.isLeft(decoded)).toBe(true);
    const messages = E.isLeft(decoded) ? decoded.left.map((error) => error.message) : [];
    expect(messages).toEqual([
      expect.stringMatching(/^at properties\.0\.dataType\.type: expected one of .*got "decimal"$/),
      'at properties.1.identifier: expected a non-empty identifier, got undefined',
    ]);
  });
});
