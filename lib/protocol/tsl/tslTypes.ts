import { TslType, type TslTypeOf } from './TslType';

/** Number specs of int, float and double. */
export interface NumberSpecs {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly step?: number | undefined;
  readonly unit?: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as io-ts's own t.Mixed: encode makes Type<A> invariant in A
export type AnyTslType = TslType<any>;

/** The fields of a struct, or the parameters of an event or a service, by identifier. */
export type TslFields = Readonly<Record<string, AnyTslType>>;

/** The values of such fields: each one optional (the platform takes any of them), none other. */
export type FieldValues<F extends TslFields> = { readonly [K in keyof F]?: TslTypeOf<F[K]> };

const numberType = (type: 'int' | 'float' | 'double', specs: NumberSpecs): TslType<number> =>
  new TslType<number>({ type, ...specs });

/**
 * Constructors of the thing model's data types, as codecs. The generator
 * (`npx rx-aliyun-iot tsl`) writes a thing model with them; each codec's type is what the platform takes.
 *
 * ```ts
 * const pos = tslTypes.struct({ lat: tslTypes.double({ min: -90, max: 90 }) }); // TslType<{ lat?: number }>
 * ```
 */
export const tslTypes = {
  int: (specs: NumberSpecs = {}) => numberType('int', specs),
  float: (specs: NumberSpecs = {}) => numberType('float', specs),
  double: (specs: NumberSpecs = {}) => numberType('double', specs),
  /** `length` in characters. */
  text: (specs: { readonly length?: number | undefined } = {}) =>
    new TslType<string>({ type: 'text', ...specs }),
  bool: (labels?: Readonly<Record<0 | 1, string>>) =>
    new TslType<0 | 1>({ type: 'bool', ...(labels === undefined ? {} : { labels }) }),
  /** The keys of `values` are the enum's integer values: `enumOf({ 0: 'auto', 1: 'manual' })` is `0 | 1`. */
  enumOf: <const V extends Readonly<Record<number, string>>>(values: V) =>
    new TslType<keyof V & number>({ type: 'enum', values }),
  /** UTC milliseconds as a string of digits; a number is taken too, and sent as its string. */
  date: () => new TslType<string>({ type: 'date' }),
  struct: <const F extends TslFields>(fields: F) =>
    new TslType<FieldValues<F>>({
      type: 'struct',
      fields: Object.entries(fields).map(([identifier, type]) => ({ identifier, dataType: type.dataType })),
    }),
  array: <A>(item: TslType<A>, specs: { readonly size?: number | undefined } = {}) =>
    new TslType<readonly A[]>({ type: 'array', item: item.dataType, ...specs }),
};
