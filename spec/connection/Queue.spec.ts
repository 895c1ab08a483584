import { Queue } from '../../lib/connection/Queue';

const queueOf = (...items: number[]) => {
  const queue = new Queue<number>();
  for (const item of items) queue.push(item);
  return queue;
};

describe('Queue', () => {
  it('should give its items back oldest first with shift, newest first with pop', () => {
    const queue = queueOf(1, 2, 3, 4);
    expect([queue.shift(), queue.pop(), queue.length]).toEqual([1, 4, 2]);
    expect(queue.takeAll()).toEqual([2, 3]);
    expect([queue.length, queue.shift(), queue.pop()]).toEqual([0, undefined, undefined]);
  });

  it('should keep its order through many shifts and pushes, as an array would', () => {
    const queue = new Queue<number>();
    const model: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      queue.push(i);
      model.push(i);
      // Mostly as long as it was, now and then shorter or longer: the head moves and is compacted.
      if (i % 3 !== 0) expect(queue.shift()).toBe(model.shift());
      if (i % 101 === 0) expect(queue.pop()).toBe(model.pop());
      expect(queue.length).toBe(model.length);
    }
    expect(queue.takeAll()).toEqual(model);
  });

  it('should keep what keepIf says yes to, in order, after shifts', () => {
    const queue = queueOf(1, 2, 3, 4, 5, 6);
    queue.shift();
    queue.keepIf((n) => n % 2 === 0);
    expect(queue.takeAll()).toEqual([2, 4, 6]);
  });

  it('should put an item back after the last one that goes before it, not before the head', () => {
    const queue = queueOf(1, 3, 5, 7);
    queue.shift();
    queue.insertInOrder(4, (other) => other < 4);
    queue.insertInOrder(0, (other) => other < 0);
    queue.insertInOrder(9, (other) => other < 9);
    expect(queue.takeAll()).toEqual([0, 3, 4, 5, 7, 9]);
  });

  it('should remove an item wherever it is, and say whether it was there', () => {
    const queue = queueOf(1, 2, 3);
    queue.shift();
    expect([queue.remove(1), queue.remove(3), queue.remove(3)]).toEqual([false, true, false]);
    expect(queue.takeAll()).toEqual([2]);
  });
});
