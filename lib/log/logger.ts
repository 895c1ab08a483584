import createDebug from 'debug';

/** What the library logs about, each under the namespace `rx-aliyun-iot:<topic>`. */
export type LogTopic = 'connection' | 'packet' | 'publish' | 'emulator' | 'registration';

/** One namespace's log: a `printf`-style line (`%s`, `%d`, `%j`), and whether anyone listens. */
export interface Log {
  (format: string, ...args: unknown[]): void;
  /** Off unless switched on: build an expensive line only when this is `true`. */
  readonly enabled: boolean;
}

/**
 * The log of one part of the library, on the `debug` package that MQTT.js logs with too: off by default,
 * switched on by `DEBUG=rx-aliyun-iot:*` in Node.js or `localStorage.debug = 'rx-aliyun-iot:*'` in a
 * browser. Callers never pass a secret or a password: see `redactPayload` for what devices exchange.
 */
export function logger(topic: LogTopic): Log {
  return createDebug(`rx-aliyun-iot:${topic}`);
}

/**
 * Whether `debug` would print the namespace `name` now (`DEBUG=mqttjs:*`, say): for a logger made elsewhere
 * (MQTT.js's own) that the library passes a no-op instead of when it is off.
 */
export function namespaceEnabled(name: string): boolean {
  return createDebug.enabled(name);
}
