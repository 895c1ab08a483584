import type * as t from 'io-ts';
import { preview } from './lenient';

/**
 * The path of an io-ts context as a reader writes it, `properties.0.dataType`: without the empty root key and
 * without the member indexes an intersection adds.
 */
export function contextPath(context: t.Context): string {
  return context
    .filter(
      ({ key }, i) =>
        key !== '' && (context[i - 1]?.type as { _tag?: string } | undefined)?._tag !== 'IntersectionType',
    )
    .map(({ key }) => key)
    .join('.');
}

/** io-ts failures, one readable line each: the message a codec gave, or the path and what was expected. */
export function describeErrors(errors: t.Errors): string[] {
  return errors.map(({ message, context, value }) => {
    if (message !== undefined) return message;
    const path = contextPath(context);
    const expected = context[context.length - 1]?.type.name ?? 'unknown';
    return `at ${path === '' ? '(root)' : path}: expected ${expected}, got ${preview(value)}`;
  });
}
