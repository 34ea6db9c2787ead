/**
 * What handlers read of a request - its body, and a signal for the client going away - taken
 * from the Node request itself under @hono/node-server, without building the Web Request it
 * stands for. node-server hands Hono a light stand-in and builds the real Request (its Headers,
 * an AbortController, the body as a web stream over the socket) on the first touch of `signal`
 * or of the body; on a 2-core machine that was a large share of the gateway's CPU per legacy
 * request. Elsewhere (Hono's `app.request` in tests, another runtime) the Web Request is used.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

const nodeOf = (c: Context): NodeBindings => (c.env as NodeBindings | undefined) ?? {};

const signals = new WeakMap<IncomingMessage, AbortSignal>();

/**
 * Aborts when the client goes before its answer is complete (the connection closed or failed):
 * what node-server's own Request.signal does, on the same events.
 */
export function requestSignal(c: Context): AbortSignal {
  const { incoming, outgoing } = nodeOf(c);
  if (!incoming || !outgoing) return c.req.raw.signal;
  let signal = signals.get(incoming);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    signals.set(incoming, signal);
    const onClose = () => {
      if (incoming.errored) controller.abort(incoming.errored.toString());
      else if (!outgoing.writableFinished) controller.abort('Client connection prematurely closed.');
    };
    // Asked for after the connection closed (in the error handler, say): it is already over.
    if (outgoing.destroyed) onClose();
    else outgoing.once('close', onClose);
  }
  return signal;
}

const bodies = new WeakMap<IncomingMessage, Promise<Uint8Array>>();

/**
 * The request's body bytes (read once; empty for none). A body of a declared length - every
 * form a legacy client posts - is read straight off the socket: the body limit (body-limit.ts)
 * has checked that length, and Node's parser ends the body there. A chunked one goes through the
 * Web Request, which the body limit has already read and cut.
 */
export function requestBody(c: Context): Promise<Uint8Array> {
  const { incoming } = nodeOf(c);
  if (!incoming || incoming.headers['content-length'] === undefined || incoming.headers['transfer-encoding'] !== undefined) {
    return c.req.arrayBuffer().then((b) => new Uint8Array(b));
  }
  let body = bodies.get(incoming);
  if (!body) {
    body = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    })();
    bodies.set(incoming, body);
  }
  return body;
}

const utf8 = new TextDecoder();
/** Request.formData() keeps a byte-order mark in an urlencoded body: part of its first name. */
const utf8WithMark = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The body as text, exactly as Request.text() reads it: UTF-8, with up to two leading byte-order
 * marks dropped (Node's fetch drops one, then decodes with a TextDecoder that drops the next).
 */
export async function requestText(c: Context): Promise<string> {
  const bytes = await requestBody(c);
  const marked = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return utf8.decode(marked ? bytes.subarray(3) : bytes);
}

/**
 * The body as a form, as Hono's parseBody reads one: the fields of an urlencoded or multipart
 * body (the last of a repeated name; files left out), none for any other type.
 */
export async function requestForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  const media = type.split(';')[0]!.trim().toLowerCase();
  const form: Record<string, string> = Object.create(null);
  if (media === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(utf8WithMark.decode(await requestBody(c)))) form[k] = v;
  } else if (media === 'multipart/form-data') {
    const data = await new Response((await requestBody(c)) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } }).formData();
    data.forEach((v, k) => {
      if (typeof v === 'string') form[k] = v;
      else delete form[k];
    });
  }
  return form;
}
