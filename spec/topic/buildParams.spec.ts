import { buildParams, EMPTY_PARAMS } from '../../lib/topic/buildParams';
import { TopicScan } from '../../lib/topic/TopicScan';

describe('buildParams', () => {
  const scanned = (topic: string) => {
    const scan = new TopicScan();
    scan.reset(topic);
    scan.scanAll();
    return scan;
  };

  it('should cut one level for "+name" and the rest for "#name"', () => {
    const slots = [
      { name: 'id', level: 1, rest: false },
      { name: 'rest', level: 2, rest: true },
    ];
    expect(buildParams(slots, scanned('x/7/a//b'))).toEqual({ id: '7', rest: 'a//b' });
    expect(buildParams(slots, scanned('x/7'))).toEqual({ id: '7', rest: '' });
  });

  it('should share one frozen empty object', () => {
    expect(Object.isFrozen(EMPTY_PARAMS)).toBe(true);
    expect(EMPTY_PARAMS).toEqual({});
  });
});
