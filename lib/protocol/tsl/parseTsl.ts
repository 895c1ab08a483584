import * as E from 'fp-ts/Either';
import { describeErrors } from '../describeErrors';
import { thingMethods } from '../thingPayloads';
import { TslDocument } from './TslDocument';
import { TslType } from './TslType';
import type { EventSpec, PropertySpec, ServiceSpec, ThingModel } from './ThingModel';
import type { Field } from './DataType';
import { parseJson } from '../../json/parseJson';

/** A TSL that could not be read: every problem, one line each, with its path in the document. */
export class TslError extends Error {
  override readonly name = 'TslError';
  constructor(readonly problems: readonly string[]) {
    super(
      `invalid TSL: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`,
    );
  }
}

const struct = (fields: readonly Field[]) =>
  new TslType<Readonly<Record<string, unknown>>>({ type: 'struct', fields });

// Older exports list generated entries for the property post, set and get: they are not events or services.
// One is known by its identifier and, when it has one, its method: an event named `property` is an event.
const GENERATED_SERVICES: Readonly<Record<string, string>> = {
  set: thingMethods.propertySet,
  get: 'thing.service.property.get',
};
const isGeneratedService = (s: { identifier: string; method?: string }) =>
  Object.hasOwn(GENERATED_SERVICES, s.identifier) &&
  (s.method === undefined || s.method === GENERATED_SERVICES[s.identifier]);
const isGeneratedEvent = (e: { identifier: string; method?: string }) =>
  e.identifier === 'post' && (e.method === undefined || e.method === thingMethods.propertyPost);

/**
 * Reads the console's TSL export into a thing model, or says every problem: a document, its
 * JSON text, or a list of them (the default module and custom modules). The identifiers of a custom module
 * (a document with a `functionBlockId`) are `module:identifier`, as the platform names them.
 */
export function decodeTsl(json: unknown): E.Either<TslError, ThingModel> {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = parseJson(json);
    } catch (error) {
      return E.left(new TslError([`not JSON: ${(error as Error).message}`]));
    }
  }
  const documents = Array.isArray(input) ? input : [input];
  // Without a prototype: an identifier such as `constructor` or `__proto__` is an entry like any other.
  const properties: Record<string, PropertySpec> = Object.create(null) as Record<string, PropertySpec>;
  const events: Record<string, EventSpec> = Object.create(null) as Record<string, EventSpec>;
  const services: Record<string, ServiceSpec> = Object.create(null) as Record<string, ServiceSpec>;
  const problems: string[] = [];
  let productKey: string | undefined;
  documents.forEach((document, i) => {
    const decoded = TslDocument.decode(document);
    if (E.isLeft(decoded)) {
      problems.push(
        ...describeErrors(decoded.left).map((line) =>
          documents.length > 1 ? `document ${i}: ${line}` : line,
        ),
      );
      return;
    }
    const doc = decoded.right;
    productKey ??= doc.profile?.productKey;
    const named = (identifier: string) =>
      doc.functionBlockId === undefined || identifier.includes(':')
        ? identifier
        : `${doc.functionBlockId}:${identifier}`;
    const add = <S>(table: Record<string, S>, what: string, identifier: string, spec: S) => {
      if (Object.hasOwn(table, identifier)) problems.push(`${what} ${identifier} is defined twice`);
      table[identifier] = spec;
    };
    for (const p of doc.properties ?? []) {
      const spec: PropertySpec = { type: new TslType(p.dataType), accessMode: p.accessMode ?? 'rw' };
      add(
        properties,
        'property',
        named(p.identifier),
        p.name === undefined ? spec : { ...spec, name: p.name },
      );
    }
    for (const e of (doc.events ?? []).filter((e) => !isGeneratedEvent(e))) {
      const spec: EventSpec = { kind: e.type ?? 'info', output: struct(e.outputData ?? []) };
      add(events, 'event', named(e.identifier), e.name === undefined ? spec : { ...spec, name: e.name });
    }
    for (const s of (doc.services ?? []).filter((s) => !isGeneratedService(s))) {
      const spec: ServiceSpec = {
        callType: s.callType ?? 'async',
        input: struct(s.inputData ?? []),
        output: struct(s.outputData ?? []),
      };
      add(services, 'service', named(s.identifier), s.name === undefined ? spec : { ...spec, name: s.name });
    }
  });
  if (problems.length > 0) return E.left(new TslError(problems));
  return E.right({
    _tag: 'ThingModel',
    ...(productKey === undefined ? {} : { productKey }),
    properties,
    events,
    services,
  });
}

/**
 * `decodeTsl`, throwing a `TslError` that lists every problem: for a TSL read at start-up.
 *
 * ```ts
 * const thing = createThing(device, { tsl: parseTsl(readFileSync('tsl.json', 'utf8')) });
 * ```
 */
export function parseTsl(json: unknown): ThingModel {
  const decoded = decodeTsl(json);
  if (E.isLeft(decoded)) throw decoded.left;
  return decoded.right;
}
