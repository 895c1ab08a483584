import type { DeviceIdentity } from '../identity';

/** A value of a property at a time (OpenAPI `QueryDevicePropertyData`'s `PropertyInfo`). */
export interface PropertyRecord {
  /** When it was measured, as the device said, or when it arrived (UTC ms). */
  readonly time: number;
  readonly value: unknown;
}

/** Which records of a property `queryDevicePropertyData` gives, and in which order. */
export interface PropertyDataRange {
  /** The earliest time, inclusive (UTC ms). Default: no bound. */
  readonly startTime?: number | undefined;
  /** The latest time, inclusive (UTC ms). Default: no bound. */
  readonly endTime?: number | undefined;
  /** Oldest first (`true`) or newest first (`false`). Default: `true`. */
  readonly asc?: boolean | undefined;
  /** At most this many records, the first ones in that order. Default: every record in the range. */
  readonly pageSize?: number | undefined;
}

/** How many records the emulator keeps of each property of each device, by default. */
export const DEFAULT_PROPERTY_HISTORY_LIMIT = 1000;

/** The properties the cloud knows of each device: the latest value of each, and a bounded history. */
export interface PropertyStore {
  /**
   * A value as a property, pack or batch post reports it: the latest status (the last one reported), and a
   * record of the history.
   */
  report(device: DeviceIdentity, identifier: string, record: PropertyRecord): void;
  /** A value measured earlier, as a history post reports it: a record of the history only. */
  record(device: DeviceIdentity, identifier: string, record: PropertyRecord): void;
  /** The latest value and time of each property of a device, in the order first reported. */
  latest(device: DeviceIdentity): ReadonlyMap<string, PropertyRecord>;
  /** The records of one property of a device in `range`. */
  history(device: DeviceIdentity, identifier: string, range?: PropertyDataRange): readonly PropertyRecord[];
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/** Where `time` goes in `records` (ordered by time): after every record of the same time or earlier. */
function insertionPoint(records: readonly PropertyRecord[], time: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (records[middle]!.time <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Keeps what devices report of their properties. Each device property has at most `historyLimit` records,
 * one a time, ordered by time; past it the earliest goes (a record older than every kept one is then dropped
 * at once). The bound is per property: a product without a thing model takes any identifier, so what a
 * device's history holds grows with the identifiers it posts.
 */
export function propertyStore(historyLimit = DEFAULT_PROPERTY_HISTORY_LIMIT): PropertyStore {
  if (!Number.isInteger(historyLimit) || historyLimit < 1)
    throw new RangeError(`propertyHistoryLimit must be a whole number from 1, got ${historyLimit}`);
  const latest = new Map<string, Map<string, PropertyRecord>>();
  const histories = new Map<string, Map<string, PropertyRecord[]>>();

  const record = (device: DeviceIdentity, identifier: string, { time, value }: PropertyRecord) => {
    let properties = histories.get(keyOf(device));
    if (properties === undefined) histories.set(keyOf(device), (properties = new Map()));
    let records = properties.get(identifier);
    if (records === undefined) properties.set(identifier, (records = []));
    // One value a time, as a time series keeps it: a later one of the same time replaces it (so that paging
    // by time, each page from the first time not yet returned, cannot get stuck on records of one time).
    // Most records come in time order: a push, not a search.
    const last = records[records.length - 1];
    const at = last === undefined || last.time < time ? records.length : insertionPoint(records, time);
    if (records[at - 1]?.time === time) records[at - 1] = { time, value };
    else records.splice(at, 0, { time, value });
    if (records.length > historyLimit) records.shift();
  };

  return {
    report(device, identifier, { time, value }) {
      let properties = latest.get(keyOf(device));
      if (properties === undefined) latest.set(keyOf(device), (properties = new Map()));
      properties.set(identifier, { time, value });
      record(device, identifier, { time, value });
    },
    record,
    latest: (device) => latest.get(keyOf(device)) ?? new Map(),
    history(device, identifier, range = {}) {
      const { startTime = -Infinity, endTime = Infinity, asc = true, pageSize = Infinity } = range;
      const records = histories.get(keyOf(device))?.get(identifier) ?? [];
      const inRange = records.filter(({ time }) => time >= startTime && time <= endTime);
      return (asc ? inRange : inRange.reverse()).slice(0, Math.max(0, pageSize));
    },
  };
}
