// Test support: a fake device whose cloud answers job requests, for the marble specs of createJobs and runJobs.
import { of, Subject, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { ConnectionState } from '../../lib/connection/ConnectionState';
import type { InboundMessage, OutboundMessage } from '../../lib/connection/messages';
import { fakeAlinkDevice, inbound } from './fakeAlinkDevice';

export const task = { taskId: 't1', status: 'SENT', jobDocument: { firmware: '2.0' } } as const;
export type Answer = { code?: number; data?: unknown } | undefined;

/**
 * A fake device whose cloud answers each job request one frame later with what `answer` gives for its
 * topic and params (`undefined`: no reply); `push` sends a message on a topic the device observes.
 */
export function fakeCloud(
  scheduler: TestScheduler,
  answer: (topic: string, params: Record<string, unknown>) => Answer,
  state?: Observable<ConnectionState>,
) {
  const inboxes = new Map<string, Subject<InboundMessage>>();
  const inbox = (filter: string) => {
    const found = inboxes.get(filter) ?? new Subject<InboundMessage>();
    inboxes.set(filter, found);
    return found;
  };
  const push = (topic: string, payload: unknown) => inbox(topic).next(inbound(topic, payload));
  const requests: { topic: string; json: Record<string, unknown> }[] = [];
  const fake = fakeAlinkDevice({
    observed: (filter) => inbox(filter),
    ...(state === undefined ? {} : { state }),
    published: (message: OutboundMessage) => {
      const json = JSON.parse(String(message.payload)) as { id: string; params: Record<string, unknown> };
      requests.push({ topic: message.topic, json });
      const reply = message.topic.endsWith('_reply') ? undefined : answer(message.topic, json.params);
      if (reply !== undefined) {
        const payload = { id: json.id, code: 200, data: {}, ...reply };
        scheduler.schedule(() => push(`${message.topic}_reply`, payload), 1);
      }
      return of({ topic: message.topic, qos: 1 as const, bytes: 1 });
    },
  });
  return { ...fake, push, requests };
}
