import * as t from 'io-ts';
import { merge, type Observable, type ObservableInput } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import type { AlinkDevice } from './AlinkDevice';
import { emptyReplyWhenDone, serveAlink, type ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';

/** What the platform tells a sub-device about itself: it was disabled, enabled again, or deleted. */
export type LifecycleCommand = 'disable' | 'enable' | 'delete';

/** One lifecycle notice of the platform (`thing.disable`, `thing.enable`, `thing.delete`). */
export interface LifecycleNotice {
  readonly command: LifecycleCommand;
  /** The Alink id it is answered by. */
  readonly id: string;
  readonly message: InboundMessage;
}

const COMMANDS: readonly LifecycleCommand[] = ['disable', 'enable', 'delete'];

/**
 * Serves the platform's lifecycle notices to a gateway's sub-device (`thing.disable`, `thing.enable`,
 * `thing.delete` on `/sys/pk/dn/thing/disable` …, through its gateway): while subscribed, each is answered
 * 200 once `handler`'s `ObservableInput` has completed (its error is answered as the failure), and one
 * outcome is emitted per notice. The notice is the topic's (the `method` is not read). What to do is the
 * application's: stop a disabled sub-device's work, forget a deleted one; the answer needs the session, so
 * log the sub-device out only after it (the platform ends the session itself). A disabled sub-device's logins
 * are refused until it is enabled.
 *
 * ```ts
 * serveLifecycle(subDevice, ({ command }) => of(console.log('sub-device', command))).subscribe();
 * ```
 */
export function serveLifecycle(
  device: AlinkDevice,
  handler: (notice: LifecycleNotice) => ObservableInput<unknown>,
  options: ServeOptions = {},
): Observable<ServeOutcome> {
  const { topics } = device;
  // Requests come on these three topics only.
  const commandOn = new Map(COMMANDS.map((command) => [topics[command], command]));
  return serveAlink(device, {
    requests: merge(...COMMANDS.map((command) => device.observe(topics[command], { qos: 1 }))),
    // The platform sends `{}`; whatever it sends, the notice is the topic's.
    params: t.unknown,
    replyTopic: (topic) => `${topic}_reply`,
    handler: ({ topic, id, message }) =>
      emptyReplyWhenDone(handler({ command: commandOn.get(topic) as LifecycleCommand, id, message })),
    qos: options.qos ?? 1,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
}
