import { EMPTY, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createThing, deviceTopics, type AlinkDevice, type InboundMessage } from '../../lib';

const topics = deviceTopics({ productKey: 'pk', deviceName: 'dn' });
const call = (id: string, delay: number): InboundMessage => ({
  topic: topics.service('reboot'),
  payload: Buffer.from(
    JSON.stringify({ id, version: '1.0', params: { delay }, method: 'thing.service.reboot' }),
  ),
  qos: 1,
  retain: false,
  dup: false,
});

it('should answer each call on its own id, and a call slower than 8 s not at all', () => {
  const sent: unknown[] = [];
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
    ({ hot, cold, expectObservable }) => {
      // The broker's side in marbles: two calls of the service, at 1 ms and 3 ms.
      const device: AlinkDevice = {
        productKey: 'pk',
        deviceName: 'dn',
        topics,
        state$: EMPTY,
        messages$: EMPTY,
        observe: (filter) =>
          filter === topics.service('reboot') ? hot('-a-b', { a: call('1', 1), b: call('2', 9) }) : EMPTY,
        publish: (message) => {
          sent.push(message.payload);
          return of({ topic: message.topic, qos: 1, bytes: 0 });
        },
      };
      const served$ = createThing(device).serveService(
        'reboot',
        ({ delay }) => cold(`${Number(delay)}s (x|)`, { x: { rebooted: true } }),
        { callType: 'async' },
      );
      expectObservable(served$).toBe('1001ms a 7001ms b', {
        a: { _tag: 'Answered', topic: topics.service('reboot'), id: '1', latencyMs: 1000 },
        b: { _tag: 'Late', topic: topics.service('reboot'), id: '2', deadlineMs: 8000 },
      });
    },
  );
  // One reply, on the first call's id; the late call got none.
  expect(sent).toEqual([JSON.stringify({ id: '1', code: 200, data: { rebooted: true } })]);
});
