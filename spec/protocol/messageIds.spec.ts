import { MAX_MESSAGE_ID, messageIds, nextMessageId, shareMessageIds } from '../../lib/protocol';

describe('messageIds', () => {
  it('should count up from the start, as strings of digits', () => {
    const next = messageIds(41);
    expect([next(), next(), next()]).toEqual(['41', '42', '43']);
  });

  it('should wrap from 4294967295 to 0', () => {
    const next = messageIds(MAX_MESSAGE_ID - 1);
    expect([next(), next(), next()]).toEqual(['4294967294', '4294967295', '0']);
  });

  it('should bring any start into 0–4294967295', () => {
    expect(messageIds(1_700_000_000_123)()).toBe(String(1_700_000_000_123 % 4_294_967_296));
    expect(messageIds(-5.7)()).toBe('5');
  });

  it('should start from the clock by default, within the range', () => {
    const id = Number(messageIds()());
    expect(Number.isInteger(id) && id >= 0 && id <= MAX_MESSAGE_ID).toBe(true);
  });
});

describe('nextMessageId', () => {
  it('should give one device ids that never repeat, whoever asks', () => {
    const device = {};
    const ids = Array.from({ length: 1000 }, () => nextMessageId(device));
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
  });

  it('should keep one sequence per device', () => {
    const a = {};
    const b = {};
    const first = Number(nextMessageId(a));
    nextMessageId(b);
    nextMessageId(b);
    expect(Number(nextMessageId(a))).toBe(first === MAX_MESSAGE_ID ? 0 : first + 1);
  });

  it('should give a wrapper that shares the ids of a device the next ids of that device', () => {
    const device = {};
    const wrapper = {};
    const ids = [nextMessageId(device)];
    shareMessageIds(wrapper, device);
    ids.push(nextMessageId(wrapper), nextMessageId(device), nextMessageId(wrapper));
    expect(new Set(ids).size).toBe(4);
    const first = Number(ids[0]);
    expect(ids.map(Number)).toEqual([0, 1, 2, 3].map((n) => (first + n) % (MAX_MESSAGE_ID + 1)));
  });
});
