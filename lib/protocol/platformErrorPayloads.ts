import * as t from 'io-ts';
import { DigitString, NumberFromStringOrNumber } from './lenient';

/**
 * What the platform sends on `/ext/error/pk/dn`: `{id, code, message}`, e.g. code 520 when a gateway sends for
 * a sub-device that has no session. Lenient: the id and the code may be strings or numbers; only `code` is
 * required; `data` is kept as it came.
 */
export const PlatformErrorPayload = t.intersection(
  [
    t.type({ code: NumberFromStringOrNumber }),
    t.partial({ id: DigitString, message: t.string, data: t.unknown }),
  ],
  'PlatformErrorPayload',
);
export type PlatformErrorPayload = t.TypeOf<typeof PlatformErrorPayload>;

/** Codes the platform documents for `/ext/error` and sub-device sessions. */
export const PLATFORM_ERROR_CODES = {
  /** Another login of the same device took over. */
  connectedElsewhere: 427,
  /** The (sub-)device has no session through this gateway. */
  sessionError: 520,
  deviceDeleted: 521,
  deviceForbidden: 522,
  /** No topological relation between the sub-device and the gateway. */
  topoRelationNotExist: 6401,
} as const;

export interface PlatformErrorFields {
  readonly code: number;
  readonly message?: string | undefined;
  readonly id?: string | undefined;
  readonly data?: unknown | undefined;
}

/** The payload the emulator sends on `/ext/error/pk/dn`. */
export function platformErrorPayload({ code, message, id, data }: PlatformErrorFields) {
  return {
    ...(id === undefined ? {} : { id }),
    code,
    ...(message === undefined ? {} : { message }),
    ...(data === undefined ? {} : { data }),
  };
}
