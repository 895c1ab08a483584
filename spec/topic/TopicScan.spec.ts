import fc from 'fast-check';
import { levelHash, TopicScan } from '../../lib/topic/TopicScan';

const levelArb = fc.string().map((level) => level.replaceAll('/', ''));

function scanAll(topic: string): TopicScan {
  const scan = new TopicScan();
  scan.reset(topic);
  scan.scanAll();
  return scan;
}

describe('TopicScan', () => {
  it.each(['/sys/pk/dn/thing/event/property/post', '', '/', 'a//b/', '$SYS/x', 'é/中/😀'])(
    'should find the levels of %j as split does, with the hashes of levelHash',
    (topic) => {
      const scan = scanAll(topic);
      const levels = topic.split('/');
      expect(scan.scanned).toBe(levels.length);
      levels.forEach((level, i) => {
        expect(scan.level(i)).toBe(level);
        expect(scan.levelIs(i, level)).toBe(true);
        expect(scan.hash(i)).toBe(levelHash(level));
        expect(scan.rest(i)).toBe(levels.slice(i).join('/'));
      });
      expect(scan.exists(levels.length)).toBe(false);
      expect(scan.rest(levels.length)).toBe('');
    },
  );

  it('should scan lazily, one level at a time', () => {
    const scan = new TopicScan();
    scan.reset('a/bb/c');
    expect(scan.scanned).toBe(0);
    scan.ensure(0);
    expect(scan.scanned).toBe(1);
    expect(scan.exists(1)).toBe(true);
    scan.ensure(0);
    expect(scan.scanned).toBe(1);
    scan.ensure(1);
    expect(scan.level(1)).toBe('bb');
    expect(scan.levelIs(1, 'b')).toBe(false);
    expect(scan.levelIs(1, 'bbc')).toBe(false);
  });

  it('should recognise a level by comparing it in place, and scan it only when it matches', () => {
    const scan = new TopicScan();
    scan.reset('/sys/pk/dn');
    expect(scan.startsAt(0, '')).toBe(true);
    expect(scan.scanned).toBe(1);
    expect(scan.startsAt(1, 'sy')).toBe(false);
    expect(scan.startsAt(1, 'sys/')).toBe(false);
    expect(scan.startsAt(1, 'syz')).toBe(false);
    expect(scan.scanned).toBe(1);
    expect(scan.startsAt(1, 'sys')).toBe(true);
    expect(scan.level(1)).toBe('sys');
    scan.ensure(2);
    expect(scan.startsAt(3, 'dn')).toBe(true);
    expect(scan.exists(4)).toBe(false);
    // A level already scanned keeps its end: comparing it again changes nothing.
    expect(scan.startsAt(1, 'sys')).toBe(true);
    expect(scan.scanned).toBe(4);
  });

  it('should compute each level hash once per topic, and again for the next topic', () => {
    fc.assert(
      fc.property(fc.array(levelArb, { minLength: 1, maxLength: 6 }), levelArb, (levels, other) => {
        const scan = new TopicScan();
        scan.reset(levels.join('/'));
        scan.scanAll();
        levels.forEach((level, i) => expect(scan.hash(i)).toBe(levelHash(level)));
        levels.forEach((level, i) => expect(scan.hash(i)).toBe(levelHash(level)));
        // Same position, another topic: no stale hash from the first one.
        scan.reset(`${other}/x`);
        scan.scanAll();
        expect(scan.hash(0)).toBe(levelHash(other));
      }),
    );
  });

  it('should flag topics that start with "$"', () => {
    const scan = new TopicScan();
    scan.reset('$SYS/x');
    expect(scan.dollar).toBe(true);
    scan.reset('/$SYS');
    expect(scan.dollar).toBe(false);
  });

  it('should grow past its initial room and keep working after a short topic', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `l${i}`).join('/');
    const scan = scanAll(long);
    expect(scan.level(999)).toBe('l999');
    scan.reset('x/y');
    scan.scanAll();
    expect(scan.scanned).toBe(2);
    expect(scan.exists(2)).toBe(false);
  });

  it('should give small non-negative integers, so that they are cheap Map keys', () => {
    fc.assert(
      fc.property(fc.string(), (level) => {
        const hash = levelHash(level);
        expect(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 30).toBe(true);
      }),
    );
  });
});
