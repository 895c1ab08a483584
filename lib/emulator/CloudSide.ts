import type { Observable } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import type { CloudPayload } from './cloudPayloads';
import type { EmulatorEvent, OnlineDevice, ReceivedMessage } from './emulatorEvent';

/** What the platform services need from the emulator. */
export interface CloudSide {
  readonly received$: Observable<ReceivedMessage>;
  /** What devices publish on topics that match `filter`, while subscribed. Completes on close. */
  listen(filter: string): Observable<ReceivedMessage>;
  isOnline(device: DeviceIdentity): boolean;
  /** The devices online now. */
  onlineDevices(): readonly OnlineDevice[];
  isClosed(): boolean;
  publish(topic: string, payload: CloudPayload, options?: { readonly qos?: 0 | 1 }): Promise<void>;
  /** A fresh message id. */
  nextId(): string;
  /** The platform's clock, in ms since the epoch. */
  now(): number;
  /** Reports what a cloud service did on the emulator's `events$`. */
  emit(event: EmulatorEvent): void;
}
