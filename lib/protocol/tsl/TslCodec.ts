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
    // decodeTsl's paths start at the document: where the document itself sits goes in front.
    const at = contextPath(c);
    const within = (problem: string) => (at === '' ? problem : problem.replace(/^at /, `at ${at}.`));
    return t.failures(
      decoded.left.problems.map((problem) => ({ value: u, context: c, message: within(problem) })),
    );
  },
  encodeTsl,
);
