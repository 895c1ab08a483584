import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import type { EmulatedProduct } from './authenticateDevice';
import { CLOUD_API_ACTIONS, type ActionContext, type ApiFirmware } from './cloudApiActions';
import { apiParams, CloudApiError, type ApiParams } from './cloudApiParams';
import type { Emulator } from './startEmulator';
import { parseJson } from '../json/parseJson';

export interface CloudApiOptions {
  /** The products and devices the emulator was started with: the API answers `NotExistedDevice` for others. */
  readonly products: readonly EmulatedProduct[];
  /** Firmwares `CreateOTAStaticUpgradeJob` can name by `FirmwareId`. Default: none. */
  readonly firmwares?: readonly ApiFirmware[] | undefined;
  /** Default: `'127.0.0.1'`. */
  readonly host?: string | undefined;
  /** Default: 0, a free port. */
  readonly port?: number | undefined;
}

/** One request to the server API and its answer. */
export interface CloudApiCall {
  readonly action: string;
  /** The request's parameters, except `Action` (Base64 payloads as they came). */
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  readonly response: Readonly<Record<string, unknown>>;
}

/** The emulator's cloud side over HTTP, in the platform's server API shape. */
export interface CloudApi {
  /** `http://host:port/`: `?Action=Pub&ProductKey=…`, or a form or JSON body. */
  readonly url: string;
  /** Each request once answered. Hot; completes on close. */
  readonly calls$: Observable<CloudApiCall>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves the platform's server API (OpenAPI) actions on loopback, so that a backend in any language can
 * drive the emulator's cloud side: `Pub`, `PubBroadcast`, `RRpc`, `SetDeviceProperty`, `InvokeThingService`,
 * `QueryDevicePropertyStatus`, `QueryDevicePropertyData`, `GetDeviceShadow`, `UpdateDeviceShadow`,
 * `GetDeviceStatus`, `CreateOTAStaticUpgradeJob`, `QueryDeviceProp`, `SetDeviceDesiredProperty`,
 * `QueryDeviceDesiredProperty`, `GetThingTopo`, `RemoveThingTopo`, `NotifyAddThingTopo`, `GetThingModelTsl`, and the jobs' `CreateJob`,
 * `QueryJob`, `CancelJob`, `QueryTask` and `ListTask`.
 * Parameters come in the query string or the body (form or JSON); the answer is JSON with `RequestId` and
 * `Success`, and `Code` and `ErrorMessage` when it failed. No signature is asked for.
 */
export async function startCloudApi(emulator: Emulator, options: CloudApiOptions): Promise<CloudApi> {
  const { products, firmwares = [], host = '127.0.0.1', port = 0 } = options;
  const online = new Set<string>();
  const seen = new Set<string>();
  const keyOf = (d: { productKey: string; deviceName: string }) => `${d.productKey}/${d.deviceName}`;
  const watching = emulator.devices$.subscribe((devices) => {
    online.clear();
    for (const device of devices) {
      online.add(keyOf(device));
      seen.add(keyOf(device));
    }
  });
  // What the console did to each device, from the emulator's events.
  const disabled = new Set<string>();
  const deleted = new Set<string>();
  watching.add(
    emulator.events$.subscribe((event) => {
      if (event.type === 'registered') deleted.delete(keyOf(event.device));
      if (event.type !== 'lifecycle') return;
      const key = keyOf(event.device);
      if (event.change === 'disabled') disabled.add(key);
      else disabled.delete(key);
      if (event.change === 'deleted') deleted.add(key);
    }),
  );
  let messageId = 0;
  const context: ActionContext = {
    emulator,
    products,
    firmwares,
    status: (device) =>
      disabled.has(keyOf(device))
        ? 'DISABLE'
        : online.has(keyOf(device))
          ? 'ONLINE'
          : seen.has(keyOf(device))
            ? 'OFFLINE'
            : 'UNACTIVE',
    isDeleted: (device) => deleted.has(keyOf(device)),
    nextMessageId: () => ++messageId,
  };
  const calls$ = new Subject<CloudApiCall>();

  const server = createServer((request, response) => {
    void answer(request, context).then(
      ({ status, action, params, body }) => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
        calls$.next({
          action,
          params: Object.fromEntries([...params].map(([k, v]) => [k, v.join(',')])),
          status,
          response: body,
        });
      },
      (error: unknown) => fail(response, error),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}/`,
    calls$: calls$.asObservable(),
    close() {
      closing ??= (async () => {
        watching.unsubscribe();
        server.closeAllConnections();
        server.close();
        await once(server, 'close');
        calls$.complete();
      })();
      return closing;
    },
  };
}

interface Answer {
  readonly status: number;
  readonly action: string;
  readonly params: ApiParams;
  readonly body: Readonly<Record<string, unknown>>;
}

async function answer(request: IncomingMessage, context: ActionContext): Promise<Answer> {
  const RequestId = randomUUID().toUpperCase();
  let action = '';
  let params: ApiParams = new Map();
  try {
    const all = apiParams(
      new URL(request.url ?? '/', 'http://localhost').searchParams,
      await bodyOf(request),
    );
    action = all.get('Action')?.[0] ?? '';
    params = new Map([...all].filter(([name]) => name !== 'Action'));
    if (action === '') throw new CloudApiError('MissingAction', 'Action is mandatory', 400);
    const run = Object.hasOwn(CLOUD_API_ACTIONS, action) ? CLOUD_API_ACTIONS[action] : undefined;
    if (run === undefined)
      throw new CloudApiError('InvalidAction.NotFound', `the emulator has no action ${action}`, 404);
    const result = await run(params, context);
    return { status: 200, action, params, body: { RequestId, Success: true, ...result } };
  } catch (error) {
    const { status, code, message } =
      error instanceof CloudApiError
        ? error
        : { status: 500, code: 'iot.system.SystemException', message: String(error) };
    return { status, action, params, body: { RequestId, Success: false, Code: code, ErrorMessage: message } };
  }
}

/** The body as form fields or JSON; refused past 1 MiB. */
async function bodyOf(request: IncomingMessage): Promise<URLSearchParams | Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new CloudApiError('iot.system.IllegalRequest', 'the body is over 1 MiB', 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return new URLSearchParams();
  if (!(request.headers['content-type'] ?? '').includes('json')) return new URLSearchParams(text);
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    throw new CloudApiError('iot.system.IllegalRequest', 'the body is not JSON', 400);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new CloudApiError('iot.system.IllegalRequest', 'the body must be a JSON object', 400);
  return body as Record<string, unknown>;
}

function fail(response: ServerResponse, error: unknown): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  response.end(
    JSON.stringify({ Success: false, Code: 'iot.system.SystemException', ErrorMessage: String(error) }),
  );
}
