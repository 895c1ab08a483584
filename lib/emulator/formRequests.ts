import type { IncomingMessage, ServerResponse } from 'node:http';

/** A form is a few fields: anything longer is not one, and its request is dropped. */
const MAX_FORM_BYTES = 8 * 1024;

/** Reads a request's `application/x-www-form-urlencoded` body, then calls `read` with its fields. */
export function readForm(request: IncomingMessage, read: (fields: Record<string, string>) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () =>
    read(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))),
  );
}

/** The path of a request, or `undefined` for a target that is no URL path (`//`, which `URL` cannot parse). */
export function pathOf(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'https://emulator').pathname;
  } catch {
    return undefined;
  }
}

/** Answers 200 with a JSON body, as the platform answers its HTTPS forms (refusals included). */
export function answerJson(response: ServerResponse, body: object): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
