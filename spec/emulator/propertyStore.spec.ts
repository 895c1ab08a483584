import { propertyStore } from '../../lib/emulator/propertyStore';

const dev = { productKey: 'pk', deviceName: 'dn' };

describe('propertyStore', () => {
  it('should keep records ordered by time, one a time: a later one of the same time replaces it', () => {
    const store = propertyStore();
    for (const [time, value] of [
      [3, 'c'],
      [1, 'a'],
      [3, 'd'],
      [2, 'b'],
      [1, 'a2'],
    ] as const)
      store.record(dev, 'p', { time, value });
    expect(store.history(dev, 'p').map((r) => r.value)).toEqual(['a2', 'b', 'd']);
    expect(store.history(dev, 'p', { asc: false }).map((r) => r.value)).toEqual(['d', 'b', 'a2']);
  });

  it.each<[string, Parameters<ReturnType<typeof propertyStore>['history']>[2], number[]]>([
    ['every record', {}, [10, 20, 30, 40]],
    ['from startTime, inclusive', { startTime: 20 }, [20, 30, 40]],
    ['to endTime, inclusive', { endTime: 30 }, [10, 20, 30]],
    ['a range', { startTime: 15, endTime: 35 }, [20, 30]],
    ['an empty range', { startTime: 35, endTime: 15 }, []],
    ['the first page', { pageSize: 2 }, [10, 20]],
    ['the first page, newest first', { pageSize: 2, asc: false }, [40, 30]],
    ['no record for a page size of 0', { pageSize: 0 }, []],
  ])('should give %s', (_name, range, times) => {
    const store = propertyStore();
    for (const time of [10, 20, 30, 40]) store.record(dev, 'p', { time, value: time });
    expect(store.history(dev, 'p', range).map((r) => r.time)).toEqual(times);
  });

  it('should set the latest status on report only, and record both in the history', () => {
    const store = propertyStore();
    store.report(dev, 'p', { time: 5, value: 'now' });
    store.record(dev, 'p', { time: 9, value: 'later, from history' });
    expect([...store.latest(dev)]).toEqual([['p', { time: 5, value: 'now' }]]);
    expect(store.history(dev, 'p').map((r) => r.time)).toEqual([5, 9]);
    expect(store.latest({ productKey: 'pk', deviceName: 'other' }).size).toBe(0);
  });

  it('should keep at most historyLimit records of each device property, dropping the earliest', () => {
    const store = propertyStore(2);
    for (const time of [1, 2, 3]) store.record(dev, 'p', { time, value: time });
    store.record(dev, 'q', { time: 1, value: 1 });
    store.record({ ...dev, deviceName: 'dn2' }, 'p', { time: 1, value: 1 });
    expect(store.history(dev, 'p').map((r) => r.time)).toEqual([2, 3]);
    expect(store.history(dev, 'q')).toHaveLength(1);
    expect(store.history({ ...dev, deviceName: 'dn2' }, 'p')).toHaveLength(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('should refuse a historyLimit of %p', (limit) => {
    expect(() => propertyStore(limit)).toThrow(RangeError);
  });
});
