// qlobber 8 ships no types: the part of its API that the specs and bench/routing.ts use.
declare module 'qlobber' {
  export interface QlobberOptions {
    readonly separator?: string;
    readonly wildcard_one?: string;
    readonly wildcard_some?: string;
    readonly match_empty_levels?: boolean;
    readonly cache_adds?: boolean;
    readonly cache_splits?: number;
    readonly max_words?: number;
    readonly max_wildcard_somes?: number;
  }

  export class Qlobber<V = unknown> {
    constructor(options?: QlobberOptions);
    add(topic: string, value: V): this;
    remove(topic: string, value?: V): this;
    /** Every value whose topic matches, duplicates included, in no documented order. */
    match(topic: string): V[];
    test(topic: string, value: V): boolean;
    clear(): this;
  }
}
