/** The data types of the thing model, their specs read as numbers. */
export type DataType =
  | {
      readonly type: 'int' | 'float' | 'double';
      readonly min?: number | undefined;
      readonly max?: number | undefined;
      readonly step?: number | undefined;
      readonly unit?: string | undefined;
    }
  /** `length`: characters, at most 10240. */
  | { readonly type: 'text'; readonly length?: number | undefined }
  /** 0 or 1; `labels` are what the console shows for each. */
  | { readonly type: 'bool'; readonly labels?: Readonly<Record<string, string>> | undefined }
  /** One of the integer keys of `values`; the values are what the console shows for each. */
  | { readonly type: 'enum'; readonly values: Readonly<Record<string, string>> }
  /** UTC milliseconds, as a string of digits. */
  | { readonly type: 'date' }
  /** Named fields (which are not structs themselves). */
  | { readonly type: 'struct'; readonly fields: readonly Field[] }
  /** At most `size` items (≤ 512) of one type: int, float, double, text or struct. */
  | { readonly type: 'array'; readonly size?: number | undefined; readonly item: DataType };

/** A named field of a struct, or a parameter of an event or service. */
export interface Field {
  readonly identifier: string;
  readonly name?: string | undefined;
  readonly dataType: DataType;
}

export type DataTypeName = DataType['type'];
