import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { contextPath } from '../describeErrors';
import { encodeTsl, type TslJson } from './encodeTsl';
import { decodeTsl } from './parseTsl';
import type { ThingModel } from './ThingModel';

/**
 * A TSL document as a codec: decoded with `decodeTsl` (a document, its JSON text, or a list of modules),
 * encoded with `encodeTsl`. The `data` of a `thing.dsltemplate.get` reply.
 */
export const TslCodec = new t.Type<ThingModel, TslJson, unknown>(
  'TslDocument',
  (u): u is ThingModel => typeof u === 'object' && u !== null && (u as ThingModel)._tag === 'ThingModel',
  (u, c) => {
    const decoded = decodeTsl(u);
    if (E.isRight(decoded)) return t.success(decoded.right);
    // decodeTsl's paths start at the document (`(root)` for the document itself; in a list of modules, after
    // `document N: `): where the document sits goes in front, and the document's place in the list.
    const at = contextPath(c);
    const placed = (problem: string): string => {
      const match = /^(?:document (\d+): )?at (.*)$/.exec(problem);
      if (at === '' || match === null) return problem;
      const [, index, rest = ''] = match;
      const base = index === undefined ? at : `${at}.${index}`;
      return `at ${rest.startsWith('(root)') ? base + rest.slice('(root)'.length) : `${base}.${rest}`}`;
    };
    return t.failures(
      decoded.left.problems.map((problem) => ({ value: u, context: c, message: placed(problem) })),
    );
  },
  encodeTsl,
);
