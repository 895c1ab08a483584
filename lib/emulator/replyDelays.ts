import { Subscription, timer } from 'rxjs';
import { namespaceOwner, type DeviceIdentity } from '../identity';
import { EmulatorClosedError } from './emulatorErrors';

/** How late the cloud's replies to each device go: a knob for tests of a device's diagnostics. */
export interface ReplyDelays {
  /** From now on, the cloud's replies to the device (`…_reply` topics of its own) wait `delayMs`; 0: none. */
  set(device: DeviceIdentity, delayMs: number): void;
  /** How long a cloud publish on `topic` waits: 0 unless it is a reply to a device that has a delay. */
  delayOf(topic: string): number;
  /** Resolves after `delayMs` (an RxJS timer); rejects with `EmulatorClosedError` if closed first. */
  wait(delayMs: number): Promise<void>;
  /** Rejects every wait. */
  close(): void;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

export function replyDelays(): ReplyDelays {
  const delays = new Map<string, number>();
  const waits = new Subscription();
  const rejections = new Set<() => void>();
  return {
    set(device, delayMs) {
      if (delayMs > 0) delays.set(keyOf(device), delayMs);
      else delays.delete(keyOf(device));
    },
    delayOf(topic) {
      // Nothing is asked of a publish while no device has a delay: the common path stays as it was.
      if (delays.size === 0 || !topic.endsWith('_reply')) return 0;
      const owner = namespaceOwner(topic);
      return owner === undefined ? 0 : (delays.get(keyOf(owner)) ?? 0);
    },
    wait: (delayMs) =>
      new Promise<void>((resolve, reject) => {
        const rejection = () => reject(new EmulatorClosedError());
        rejections.add(rejection);
        const waiting = timer(delayMs).subscribe(() => {
          rejections.delete(rejection);
          waits.remove(waiting);
          resolve();
        });
        waits.add(waiting);
      }),
    close() {
      waits.unsubscribe();
      for (const reject of rejections) reject();
      rejections.clear();
    },
  };
}
