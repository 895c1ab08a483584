import * as t from 'io-ts';
import { contextPath } from '../describeErrors';
import { checkValue, normalizeValue, type TslViolation } from './checkValue';
import type { DataType } from './DataType';

/**
 * An io-ts codec that checks values against the rules of `check` and gives every broken rule as a failure
 * with its path, e.g. `at params.temp: 130 is above the max 120`.
 */
export function checkedType<A>(
  name: string,
  check: (u: unknown, path: string) => readonly TslViolation[],
  normalize: (u: unknown) => unknown = t.identity,
): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => check(u, '').length === 0,
    (u, c) => {
      const problems = check(u, contextPath(c));
      return problems.length === 0
        ? t.success(normalize(u) as A)
        : t.failures(problems.map(({ message }) => ({ value: u, context: c, message })));
    },
    t.identity,
  );
}

/** The codec of one data type of the thing model: a value of type `A` that keeps the rules of `dataType`. */
export class TslType<A> extends t.Type<A, A, unknown> {
  constructor(readonly dataType: DataType) {
    const checked = checkedType<A>(
      dataType.type,
      (u, path) => checkValue(dataType, u, path),
      (u) => normalizeValue(dataType, u),
    );
    super(checked.name, checked.is, checked.validate, checked.encode);
  }
}

/** The type of the values of a `TslType`. */
export type TslTypeOf<T> = T extends TslType<infer A> ? A : never;
