import mqtt, { type Packet } from 'mqtt';
import { Observable } from 'rxjs';
import { connectErrorOf } from './connectError';
import { devicePacket } from './DevicePacket';
import type { ExchangedMessage, MqttExchangeRequest } from './registrationPorts';
import { tlsClientOptions } from './TlsError';

/**
 * One MQTT.js connection that emits the first message the server publishes, then closes (the default `mqtt`
 * port of dynamic registration). It subscribes to nothing: the platform sends the answer unasked.
 */
export function mqttExchange({
  url,
  credentials,
  tls,
  packets,
}: MqttExchangeRequest): Observable<ExchangedMessage> {
  return new Observable<ExchangedMessage>((subscriber) => {
    const client = mqtt.connect(url, {
      ...tlsClientOptions(tls, undefined),
      ...credentials,
      // The platform does not check the keepalive of a registration (PROTOCOL.md §2): any valid one will do.
      keepalive: 60,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
      // Connected below, once every listener is on: the CONNECT is written as the client connects.
      manualConnect: true,
    });
    let lastError: Error | undefined;
    if (packets !== undefined) {
      client.on(
        'packetsend',
        (packet: Packet) => packets.active && packets.next(devicePacket('sent', packet)),
      );
      client.on(
        'packetreceive',
        (packet: Packet) => packets.active && packets.next(devicePacket('received', packet)),
      );
    }
    client.on('message', (topic, payload) => {
      subscriber.next({ topic, payload });
      subscriber.complete();
    });
    client.on('error', (error: Error & { code?: unknown }) => (lastError = connectErrorOf(error)));
    client.on('close', () => (lastError ? subscriber.error(lastError) : subscriber.complete()));
    client.connect();
    return () => {
      client.removeAllListeners();
      // MQTT.js may still report errors while it tears down; an 'error' without a listener would throw.
      client.on('error', () => undefined);
      client.end(true);
    };
  });
}
