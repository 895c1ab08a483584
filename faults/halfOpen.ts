// A half-open broker: mosquitto frozen by SIGSTOP keeps its sockets open and says nothing. How long until
// the device gives the link up, what becomes of the QoS 1 publishes in flight, and how long close() takes.
import { createConnection } from '../lib/connection/createConnection';
import { halfOpenDetectionMs, mqttJsPort } from '../lib/connection/mqttJsPort';
import { createDevice } from '../lib/device';
import { echoTopic, testDevice } from '../spec/support/testBrokers';
import { mustHold, int, killableMosquitto, ms, reached, reasonOf, report, Tally, until } from './support';

export interface HalfOpenPlan {
  /** Seconds; the device's option (30 at least) or, below that, a port of its own. */
  readonly keepalive: number;
  readonly inFlight: number;
  /** Also time close() with its default deadline (10 s). */
  readonly closeDefault: boolean;
}

export async function halfOpen(plan: HalfOpenPlan): Promise<void> {
  const mosquitto = await killableMosquitto();
  const topic = echoTopic('faults-half-open');
  try {
    // The device's own keepalive option starts at 30 s; a shorter one (the short run) needs a port of its own.
    const port =
      plan.keepalive < 30
        ? mqttJsPort({
            url: mosquitto.url,
            clientId: 'faults-half-open',
            username: 'u',
            password: 'p',
            keepalive: plan.keepalive,
            cleanSession: true,
            connectTimeoutMs: 5000,
          })
        : undefined;
    const device = createDevice(
      { ...testDevice, endpoint: { url: mosquitto.url }, keepalive: Math.max(30, plan.keepalive) },
      { port },
    );
    device.start();
    await reached(device.state$, 'connected');
    mosquitto.broker.pause();
    const frozenAt = Date.now();
    const succeeded: number[] = [];
    const failed = new Tally();
    for (let i = 0; i < plan.inFlight; i++) {
      device.publish({ topic, payload: String(i), qos: 1 }).subscribe({
        complete: () => succeeded.push(i),
        error: (error: unknown) => failed.add(reasonOf(error)),
      });
    }
    await reached(device.state$, 'reconnecting');
    const detectedMs = Date.now() - frozenAt;
    mosquitto.broker.resume();
    await until(() => succeeded.length + failed.total === plan.inFlight, 60_000);
    const resentMs = Date.now() - frozenAt;
    await device.close();

    // close() against a frozen broker with publishes in flight: by default, and with a deadline of 1 s.
    const closeMs = async (timeoutMs?: number) => {
      const connection = createConnection(
        mqttJsPort({
          url: mosquitto.url,
          clientId: 'faults-close',
          username: 'u',
          password: 'p',
          keepalive: 60,
          cleanSession: true,
          connectTimeoutMs: 5000,
        }),
        {
          reconnect: false,
          queueLimit: 1000,
          overflow: 'error',
          publishTimeoutMs: halfOpenDetectionMs(60) + 5000,
          maxPayloadBytes: 1024,
          maxTopicBytes: 128,
        },
      );
      connection.start();
      await reached(connection.state$, 'connected');
      mosquitto.broker.pause();
      for (let i = 0; i < plan.inFlight; i++)
        connection.publish({ topic: 'x', payload: 'y', qos: 1 }).subscribe({ error: () => undefined });
      const since = Date.now();
      await connection.close(timeoutMs === undefined ? undefined : { timeoutMs });
      const took = Date.now() - since;
      mosquitto.broker.resume();
      return took;
    };
    const closeDefault = plan.closeDefault ? await closeMs() : undefined;
    const closeDeadline = await closeMs(1000);

    mustHold(
      failed.total === 0,
      `half-open: ${failed.total} publishes in flight failed (${failed.toString()})`,
    );
    mustHold(closeDeadline < 2000, `half-open: close({ timeoutMs: 1000 }) took ${closeDeadline} ms`);
    mustHold(
      closeDefault === undefined || closeDefault < 11_000,
      `half-open: close() took ${closeDefault} ms by default`,
    );
    report(
      `Half-open broker (mosquitto SIGSTOP): keepalive ${plan.keepalive} s, ${plan.inFlight} QoS 1 publishes in flight`,
      [
        [
          'link given up after',
          `${ms(detectedMs)} (MQTT.js: 1.5 x keepalive after the last packet heard, ${ms(halfOpenDetectionMs(plan.keepalive))})`,
        ],
        [
          'in flight then',
          `${int(succeeded.length)} acknowledged after SIGCONT, ${int(failed.total)} failed (${failed.toString()})`,
        ],
        ['all settled after', ms(resentMs)],
        [
          'close(), frozen, default',
          closeDefault === undefined
            ? 'not timed (--short)'
            : `${ms(closeDefault)} (publishTimeoutMs ${ms(halfOpenDetectionMs(60) + 5000)})`,
        ],
        ['close({ timeoutMs: 1000 }), frozen', ms(closeDeadline)],
      ],
    );
  } finally {
    await mosquitto.close();
  }
}
