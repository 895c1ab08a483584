import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as E from 'fp-ts/Either';
import type { DeviceIdentity } from '../identity';
import { parseJson } from '../json/parseJson';
import {
  HTTP_ACCESS_CODES,
  HTTP_ACCESS_LIMITS,
  HTTP_ACCESS_PATHS,
  httpAccessAnswer,
  HttpAuthRequest,
  httpAuthSign,
  httpTopicOfTarget,
  type HttpSignMethod,
} from '../protocol';
import type { DeviceRegistry } from './deviceRegistry';
import type { EmulatorEvent, ReceivedMessage } from './emulatorEvent';
import { answerJson, pathOf } from './formRequests';
import { publishViolation } from './topicRules';
import { topicPermissions } from './topicPermissions';

export interface HttpsDeviceAccessOptions {
  /** The platform's clock, in ms since the epoch. */
  readonly now: () => number;
  /** How long a token is good for. */
  readonly tokenValidityMs: number;
  /** A message a device posted, handed to the platform as a device's publish. */
  receive(message: ReceivedMessage): void;
  emit(event: EmulatorEvent): void;
}

interface Token {
  readonly device: DeviceIdentity;
  readonly clientId: string;
  readonly issuedAt: number;
}

const SIGN_METHODS: readonly HttpSignMethod[] = ['hmacmd5', 'hmacsha1'];
/** A body is read up to the largest message; past it the request is answered 10001 at once and its connection closed. */
const MAX_BODY_BYTES = HTTP_ACCESS_LIMITS.payloadBytes;

/**
 * Reads a body up to `MAX_BODY_BYTES`, then calls `read` once; with `undefined` as soon as the body is known
 * to be larger (its `content-length`, or the bytes read so far), and the answer then closes the connection,
 * so the rest is never read.
 */
function readBody(
  request: IncomingMessage,
  response: ServerResponse,
  read: (body: Buffer | undefined) => void,
): void {
  const tooLarge = () => {
    response.setHeader('connection', 'close');
    read(undefined);
  };
  if (Number(request.headers['content-length']) > MAX_BODY_BYTES) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
    request.off('data', onData).off('end', onEnd);
    tooLarge();
  };
  const onEnd = () => read(Buffer.concat(chunks));
  request.on('data', onData).on('end', onEnd);
}

const contentTypeOf = (request: IncomingMessage) =>
  (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();

/**
 * HTTPS device access (`POST /auth`, then `POST /topic/${topic}` with the token in a `password` header), as the
 * platform documents it: a device authenticates with its secret (hmacmd5 or hmacsha1, a `timestamp` within 15
 * minutes when it gives one) and gets a token; each message it posts on a topic it may publish on is handed to
 * the platform as its publish. The answers are `{code, message, info}`, 0 for success. Tokens are never in
 * events.
 */
export function httpsDeviceAccess(registry: DeviceRegistry, options: HttpsDeviceAccessOptions) {
  const { now, tokenValidityMs, receive, emit } = options;
  /** The tokens given, each client's latest only; an expired one is swept at the next authentication. */
  const tokens = new Map<string, Token>();
  const tokenOfClient = new Map<string, string>();
  const clientOf = ({ device, clientId }: Token) => `${device.productKey}/${device.deviceName}/${clientId}`;
  const forget = (token: string) => {
    const kept = tokens.get(token);
    if (kept === undefined) return;
    tokens.delete(token);
    if (tokenOfClient.get(clientOf(kept)) === token) tokenOfClient.delete(clientOf(kept));
  };
  const isExpired = (token: Token) => now() - token.issuedAt > tokenValidityMs;
  /** Keeps a new token: the client's previous one is no longer good, and expired ones are forgotten. */
  const keep = (token: string, kept: Token) => {
    for (const [given, old] of tokens) if (isExpired(old)) forget(given);
    const previous = tokenOfClient.get(clientOf(kept));
    if (previous !== undefined) forget(previous);
    tokens.set(token, kept);
    tokenOfClient.set(clientOf(kept), token);
  };

  const answer = (response: ServerResponse, code: number, message: string, info?: Record<string, unknown>) =>
    answerJson(response, httpAccessAnswer(code, message, info));

  let closing = false;
  /** The requests whose body is still coming, each with its answer should the platform close first. */
  const waiting = new Map<ServerResponse, () => void>();

  /** Answers that the platform is closing (30001 to a message, 10000 to an authentication), ending the connection. */
  function answerClosing(response: ServerResponse, action: 'auth' | 'publish', topic?: string): void {
    const code = action === 'auth' ? HTTP_ACCESS_CODES.commonError : HTTP_ACCESS_CODES.publishError;
    emit({ type: 'http-access', action, code, ...(topic === undefined ? {} : { topic }) });
    response.setHeader('connection', 'close');
    const what = action === 'auth' ? 'common error' : 'publish message error';
    answer(response, code, `${what}: the platform is closing`);
  }

  /** `readBody`, unless the platform closes first: then the request is answered as closing, at once. */
  function bodyOf(
    request: IncomingMessage,
    response: ServerResponse,
    action: 'auth' | 'publish',
    topic: string | undefined,
    read: (body: Buffer | undefined) => void,
  ): void {
    if (closing) return answerClosing(response, action, topic);
    waiting.set(response, () => answerClosing(response, action, topic));
    response.on('close', () => waiting.delete(response));
    readBody(request, response, (body) => {
      if (waiting.delete(response)) read(body);
    });
  }

  /** Why an authentication is refused, or `undefined`. */
  function refusalOf(request: HttpAuthRequest): string | undefined {
    const device = { productKey: request.productKey, deviceName: request.deviceName };
    const method = (request.signmethod ?? 'hmacmd5').toLowerCase() as HttpSignMethod;
    if (!SIGN_METHODS.includes(method)) return `sign method ${request.signmethod} is not hmacmd5 or hmacsha1`;
    const secret = registry.isKnown(device) ? registry.secretOf(device) : undefined;
    if (secret === undefined) return `the device ${device.productKey}/${device.deviceName} does not exist`;
    if (registry.isDisabled(device))
      return `the device ${device.productKey}/${device.deviceName} is disabled`;
    if (
      request.timestamp !== undefined &&
      Math.abs(now() - Number(request.timestamp)) > HTTP_ACCESS_LIMITS.timestampWindowMs
    )
      return 'the timestamp is more than 15 minutes away';
    return httpAuthSign(method, secret, request) === request.sign.toLowerCase()
      ? undefined
      : 'the sign does not match';
  }

  function auth(request: IncomingMessage, response: ServerResponse): void {
    bodyOf(request, response, 'auth', undefined, (body) => {
      const report = (code: number, device?: DeviceIdentity) =>
        emit({ type: 'http-access', action: 'auth', code, ...(device === undefined ? {} : { device }) });
      let json: unknown;
      try {
        json =
          body === undefined || contentTypeOf(request) !== 'application/json'
            ? undefined
            : parseJson(body.toString('utf8'));
      } catch {
        json = undefined;
      }
      const decoded = HttpAuthRequest.decode(json);
      if (E.isLeft(decoded)) {
        report(HTTP_ACCESS_CODES.paramError);
        answer(
          response,
          HTTP_ACCESS_CODES.paramError,
          'param error: a JSON body with productKey, deviceName, clientId and sign',
        );
        return;
      }
      const { productKey, deviceName, clientId } = decoded.right;
      const device = { productKey, deviceName };
      const refusal = refusalOf(decoded.right);
      if (refusal !== undefined) {
        report(HTTP_ACCESS_CODES.authCheckError, device);
        answer(response, HTTP_ACCESS_CODES.authCheckError, `auth check error: ${refusal}`);
        return;
      }
      const token = randomBytes(16).toString('hex');
      keep(token, { device, clientId, issuedAt: now() });
      report(HTTP_ACCESS_CODES.success, device);
      answer(response, HTTP_ACCESS_CODES.success, 'success', { token });
    });
  }

  function publish(request: IncomingMessage, response: ServerResponse, topic: string): void {
    bodyOf(request, response, 'publish', topic, (body) => {
      const password = request.headers['password'];
      const token = typeof password === 'string' ? tokens.get(password) : undefined;
      const refuse = (code: number, message: string, device?: DeviceIdentity) => {
        emit({
          type: 'http-access',
          action: 'publish',
          code,
          topic,
          ...(device === undefined ? {} : { device }),
        });
        answer(response, code, message);
      };
      if (typeof password !== 'string' || password === '')
        return refuse(HTTP_ACCESS_CODES.tokenNull, 'token is null');
      if (token === undefined) return refuse(HTTP_ACCESS_CODES.checkTokenError, 'check token error');
      const { device, clientId } = token;
      if (isExpired(token) || !registry.isKnown(device) || registry.isDisabled(device)) {
        forget(password);
        return refuse(HTTP_ACCESS_CODES.tokenExpired, 'token is expired', device);
      }
      if (contentTypeOf(request) !== 'application/octet-stream' || body === undefined)
        return refuse(
          HTTP_ACCESS_CODES.paramError,
          'param error: an application/octet-stream body of 128 KB at most',
          device,
        );
      const permissions = topicPermissions(device, registry.product(device.productKey)?.topicClasses);
      const fields = { topic, qos: 0, retain: false, payloadBytes: body.length };
      const violation = publishViolation(device, fields, HTTP_ACCESS_LIMITS.payloadBytes, permissions);
      if (violation !== undefined)
        return refuse(
          HTTP_ACCESS_CODES.publishError,
          `publish message error: ${violation} on ${topic}`,
          device,
        );
      // Digits only, whatever the clock gives: a fraction would make it no integer on the wire.
      const messageId = `${Math.floor(now())}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
      receive({ ...device, clientId, topic, payload: body, qos: 0 });
      emit({ type: 'http-access', action: 'publish', code: HTTP_ACCESS_CODES.success, topic, device });
      // The id as digits, not a JSON number: it is past 2^53, as the platform's.
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"code":0,"message":"success","info":{"messageId":${messageId}}}`);
    });
  }

  /** Answers `POST /auth` and `POST /topic/…`; `false` for any other request, left to the caller. */
  function handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = pathOf(request);
    if (path === undefined) return false;
    // The raw target too: `URL` resolves `/topic/../auth` to `/auth`, and `/x/../topic/…` to a topic.
    const target = request.url ?? '/';
    const isTopic =
      path.startsWith(`${HTTP_ACCESS_PATHS.topic}/`) || target.startsWith(`${HTTP_ACCESS_PATHS.topic}/`);
    if (path !== HTTP_ACCESS_PATHS.auth && !isTopic) return false;
    if (request.method !== 'POST') {
      // As every other answer: an event, and the platform's body (param error), with the HTTP status.
      emit({ type: 'http-access', action: isTopic ? 'publish' : 'auth', code: HTTP_ACCESS_CODES.paramError });
      const body = httpAccessAnswer(
        HTTP_ACCESS_CODES.paramError,
        `param error: ${request.method} is not POST`,
      );
      response
        .writeHead(405, { allow: 'POST', 'content-type': 'application/json' })
        .end(JSON.stringify(body));
      return true;
    }
    if (!isTopic) {
      auth(request, response);
      return true;
    }
    const topic = httpTopicOfTarget(target);
    if (E.isLeft(topic)) {
      emit({ type: 'http-access', action: 'publish', code: HTTP_ACCESS_CODES.paramError });
      answer(response, HTTP_ACCESS_CODES.paramError, `param error: ${topic.left}`);
      return true;
    }
    publish(request, response, topic.right);
    return true;
  }

  return {
    handle,
    /** From now on every request is answered as closing: those still coming in first, at once. */
    close(): void {
      closing = true;
      for (const answerNow of waiting.values()) answerNow();
      waiting.clear();
    },
  };
}
