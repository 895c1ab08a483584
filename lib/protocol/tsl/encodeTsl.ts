import { thingMethods } from '../thingPayloads';
import type { DataType, Field } from './DataType';
import { fieldsOf, type ThingModel } from './ThingModel';

/** The schema the console's exports name. */
export const TSL_SCHEMA = 'https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json';

/** A `dataType` as the console writes it: spec values as strings, a struct's fields as a list. */
export interface DataTypeJson {
  readonly type: DataType['type'];
  readonly specs: Readonly<Record<string, string | DataTypeJson>> | readonly FieldJson[];
}

export interface FieldJson {
  readonly identifier: string;
  readonly name?: string | undefined;
  readonly dataType: DataTypeJson;
}

/** A TSL document as the console exports it (and as `thing.dsltemplate.get` answers). */
export interface TslJson {
  readonly schema: string;
  readonly profile: { readonly productKey?: string | undefined };
  readonly properties: readonly {
    readonly identifier: string;
    readonly name?: string | undefined;
    readonly accessMode: 'r' | 'rw';
    readonly required: boolean;
    readonly dataType: DataTypeJson;
  }[];
  readonly events: readonly {
    readonly identifier: string;
    readonly name?: string | undefined;
    readonly type: 'info' | 'alert' | 'error';
    readonly method: string;
    readonly required: boolean;
    readonly outputData: readonly FieldJson[];
  }[];
  readonly services: readonly {
    readonly identifier: string;
    readonly name?: string | undefined;
    readonly callType: 'sync' | 'async';
    readonly method: string;
    readonly required: boolean;
    readonly inputData: readonly FieldJson[];
    readonly outputData: readonly FieldJson[];
  }[];
}

const named = (name: string | undefined) => (name === undefined ? {} : { name });

/** Spec values as the console writes them, as strings; an absent one (or a number past any limit) is left out. */
function specStrings(values: Readonly<Record<string, number | string | undefined>>): Record<string, string> {
  const written = (value: number | string | undefined) =>
    typeof value === 'number' ? Number.isFinite(value) : value !== undefined;
  return Object.fromEntries(
    Object.entries(values).flatMap(([key, value]) => (written(value) ? [[key, String(value)]] : [])),
  );
}

/** A data type in the console's form: what `decodeTsl` reads back into the same `DataType`. */
export function encodeDataType(dataType: DataType): DataTypeJson {
  switch (dataType.type) {
    case 'int':
    case 'float':
    case 'double': {
      const { type, min, max, step, unit } = dataType;
      return { type, specs: specStrings({ min, max, step, unit }) };
    }
    case 'text':
      return { type: 'text', specs: specStrings({ length: dataType.length }) };
    case 'bool':
      return { type: 'bool', specs: { ...dataType.labels } };
    case 'enum':
      return { type: 'enum', specs: { ...dataType.values } };
    case 'date':
      return { type: 'date', specs: {} };
    case 'struct':
      return { type: 'struct', specs: encodeFields(dataType.fields) };
    case 'array':
      return {
        type: 'array',
        specs: { ...specStrings({ size: dataType.size }), item: encodeDataType(dataType.item) },
      };
  }
}

/** A struct's fields, an event's `outputData`, a service's `inputData`, in the console's form. */
export function encodeFields(fields: readonly Field[]): FieldJson[] {
  return fields.map((field) => ({
    identifier: field.identifier,
    ...named(field.name),
    dataType: encodeDataType(field.dataType),
  }));
}

/**
 * A thing model as one TSL document in the console's form, the inverse of `decodeTsl`: for a model it read,
 * decoding the result gives the same model. A custom module's identifiers stay `module:identifier` in the
 * one document. A model built by hand can hold what no TSL may (a struct in a struct, an array of bools, a
 * text longer than 10240): `decodeTsl` refuses its document.
 */
export function encodeTsl(model: ThingModel): TslJson {
  return {
    schema: TSL_SCHEMA,
    profile: model.productKey === undefined ? {} : { productKey: model.productKey },
    properties: Object.entries(model.properties).map(([identifier, spec]) => ({
      identifier,
      ...named(spec.name),
      accessMode: spec.accessMode,
      required: false,
      dataType: encodeDataType(spec.type.dataType),
    })),
    events: Object.entries(model.events).map(([identifier, spec]) => ({
      identifier,
      ...named(spec.name),
      type: spec.kind,
      method: thingMethods.eventPost(identifier),
      required: false,
      outputData: encodeFields(fieldsOf(spec.output)),
    })),
    services: Object.entries(model.services).map(([identifier, spec]) => ({
      identifier,
      ...named(spec.name),
      callType: spec.callType,
      method: thingMethods.service(identifier),
      required: false,
      inputData: encodeFields(fieldsOf(spec.input)),
      outputData: encodeFields(fieldsOf(spec.output)),
    })),
  };
}
