// Test support: the TSL documents under spec/protocol/tsl/fixtures, as the console exports them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fixture's JSON, parsed: `everyType`, `olderExport`, `customModule`. */
export function tslFixture(name: string): unknown {
  return JSON.parse(
    readFileSync(join(__dirname, '../protocol/tsl/fixtures', `${name}.json`), 'utf8'),
  ) as unknown;
}
