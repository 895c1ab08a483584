import { merge, type Observable, type Subscription } from 'rxjs';
import { logger } from '../log/logger';
import { describedSafely, describeEmulatorEvent, describeReceived } from './describeEmulatorEvent';
import type { EmulatorEvent, ReceivedMessage } from './emulatorEvent';

/** The `rx-aliyun-iot:emulator` log, off unless switched on (`DEBUG=rx-aliyun-iot:*`). */
export const emulatorLog = logger('emulator');

/** Logs every event and every message devices send, one line each, until the streams complete. */
export function logEmulator(emulator: {
  readonly events$: Observable<EmulatorEvent>;
  readonly received$: Observable<ReceivedMessage>;
}): Subscription {
  return merge(emulator.events$, emulator.received$).subscribe((item) => {
    if (!emulatorLog.enabled) return;
    emulatorLog(
      '%s',
      describedSafely(() => ('type' in item ? describeEmulatorEvent(item) : describeReceived(item))),
    );
  });
}
