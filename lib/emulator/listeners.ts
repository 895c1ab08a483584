import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { timer } from 'rxjs';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { KeyPair } from './certificates';
import { promptWrites } from './promptWrites';
import type { Transport } from './transport';

/** One port per transport; 0 takes a free one. */
export type TransportPorts = Readonly<Record<Transport, number>>;

export interface ListenerOptions {
  readonly host: string;
  readonly ports: TransportPorts;
  /** The server certificate and key of the TLS listeners (mqtts, wss and the HTTPS endpoint). */
  readonly certificate: KeyPair;
  /** Serves MQTT on a connection, whatever carries it. */
  handle(stream: Duplex, transport: Transport): void;
  /** Answers HTTPS requests on the wss port that are not websocket upgrades. Default: 404. */
  request?(request: IncomingMessage, response: ServerResponse): void;
}

/** The emulator's listening sockets. */
export interface Listeners {
  readonly ports: TransportPorts;
  /** `mqtt://`, `mqtts://`, `ws://…/mqtt` and `wss://…/mqtt`, each on its own port. */
  readonly urls: Readonly<Record<Transport, string>>;
  /** `https://host:port`, the origin of the HTTPS endpoints (on the wss port). */
  readonly https: string;
  /**
   * Stops accepting; resolves once every connection has gone. What is still open `CLOSE_GRACE_MS` later (a
   * client that connected and sent nothing, or half a request head, or stopped in its TLS handshake) is cut.
   */
  close(): Promise<void>;
}

/**
 * How long a closing listener waits for its connections to go before it cuts them: those a broker or an
 * answer still ends go well within it; one a client holds open sending nothing would otherwise hold `close()`
 * until Node's own timeouts (minutes) or for ever.
 */
export const CLOSE_GRACE_MS = 1000;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const closed = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });

/** A websocket server on `server` whose every connection is a stream of MQTT packets. */
function serveWebSockets(
  server: HttpServer | HttpsServer,
  transport: Transport,
  handle: ListenerOptions['handle'],
): WebSocketServer {
  // `mqtt` is the subprotocol MQTT over websockets asks for; the platform serves it on /mqtt.
  const sockets = new WebSocketServer({ server, handleProtocols: (protocols) => [...protocols][0] ?? false });
  sockets.on('connection', (socket) => {
    const stream = createWebSocketStream(socket);
    // A client that goes away mid-frame makes the stream error; aedes ends the connection on 'close'.
    stream.on('error', () => stream.destroy());
    handle(stream, transport);
  });
  return sockets;
}

/**
 * Listens on `host` for MQTT over TCP, TLS, websockets and secure websockets. The TLS listeners show
 * `certificate`; the wss port also answers HTTPS requests with `request`.
 */
export async function startListeners(options: ListenerOptions): Promise<Listeners> {
  const { host, ports, certificate, handle } = options;
  const tls = { cert: certificate.cert, key: certificate.key };
  const notFound = (_: IncomingMessage, response: ServerResponse) => response.writeHead(404).end();
  let closing = false;
  /** The responses not yet sent, with their requests. */
  const answering = new Map<ServerResponse, IncomingMessage>();
  /** Keeps the responses not yet sent: once closing, each closes its connection (keep-alive would hold close). */
  const tracked =
    (answer: (request: IncomingMessage, response: ServerResponse) => void) =>
    (request: IncomingMessage, response: ServerResponse) => {
      answering.set(response, request);
      response.on('close', () => answering.delete(response));
      if (closing) response.setHeader('connection', 'close');
      answer(request, response);
    };
  const http = createHttpServer(tracked(notFound));
  const https = createHttpsServer(tls, tracked(options.request ?? notFound));
  const servers: Record<Transport, Server> = {
    mqtt: createTcpServer((socket) => handle(promptWrites(socket), 'mqtt')),
    mqtts: createTlsServer(tls, (socket) => handle(promptWrites(socket), 'mqtts')),
    ws: http,
    wss: https,
  };
  // A TLS handshake that fails (a device that does not trust the certificate) is the device's problem.
  servers.mqtts.on('tlsClientError', () => undefined);
  https.on('tlsClientError', () => undefined);
  const webSockets = [serveWebSockets(http, 'ws', handle), serveWebSockets(https, 'wss', handle)];
  // Every TCP connection of every listener, as it comes (before any TLS handshake or HTTP request).
  const sockets = new Set<Socket>();
  for (const server of Object.values(servers)) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  }

  const close = async () => {
    closing = true;
    for (const [response, request] of answering) {
      if (response.headersSent) continue;
      // A body still coming in (one that never ends, or is slow) would hold the server's close for its
      // request timeout, 5 minutes: the emulator is closing, so its connection goes now, unanswered.
      if (!request.complete) request.socket.destroy();
      else response.setHeader('connection', 'close');
    }
    for (const sockets of webSockets) sockets.close();
    http.closeIdleConnections();
    https.closeIdleConnections();
    const cut = timer(CLOSE_GRACE_MS).subscribe(() => {
      for (const socket of sockets) socket.destroy();
    });
    try {
      await Promise.all(Object.values(servers).map(closed));
    } finally {
      cut.unsubscribe();
    }
  };

  const bound: Partial<Record<Transport, number>> = {};
  try {
    for (const transport of Object.keys(servers) as Transport[]) {
      bound[transport] = await listen(servers[transport], ports[transport], host);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const actual = bound as Record<Transport, number>;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    ports: actual,
    urls: {
      mqtt: `mqtt://${hostPart}:${actual.mqtt}`,
      mqtts: `mqtts://${hostPart}:${actual.mqtts}`,
      ws: `ws://${hostPart}:${actual.ws}/mqtt`,
      wss: `wss://${hostPart}:${actual.wss}/mqtt`,
    },
    https: `https://${hostPart}:${actual.wss}`,
    close,
  };
}
