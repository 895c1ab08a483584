import { filter, type OperatorFunction } from 'rxjs';
import type { Classified } from './classifyTopic';

/**
 * Lets through the classified messages of the given kinds and narrows their type, so that what follows
 * sees `Classified<'rrpc', M>` rather than every kind. A kind the stream cannot have does not compile.
 *
 * ```ts
 * classified$.pipe(ofKind('rrpc')) // Observable<Classified<'rrpc', InboundMessage>>
 * ```
 */
export function ofKind<K extends string, M, S extends K>(
  ...kinds: readonly S[]
): OperatorFunction<Classified<K, M>, Classified<S, M>> {
  const wanted: ReadonlySet<string> = new Set(kinds);
  return filter((classified): classified is Classified<S, M> => wanted.has(classified.kind));
}
