/**
 * The gateway's HTTP server: node:http under Hono, with limits on what a client may hold.
 *
 * A client that opens connections and then sends nothing, or its headers or body a byte at a
 * time, costs a file descriptor and memory per connection for as long as the server waits. Node's
 * defaults wait a minute for headers and five for a whole request, and admit connections until
 * the process runs out of descriptors - then every client is refused, `/health` included. So:
 * - headers must arrive within `headersTimeoutMs`, the whole request (body too) within
 *   `requestTimeoutMs` (Node answers 408 and closes), an idle keep-alive connection closes after
 *   `keepAliveTimeoutMs`; Node checks these every second rather than every 30 s;
 * - at most `maxConnections` are open. At the cap a new connection does not get refused: the
 *   oldest connection that is not being answered (idle, or still sending its request) is closed
 *   to make room. Connections being answered (an export, a search) are kept; a flood of slow
 *   clients therefore evicts itself, and a probe of `/health` always gets in.
 */
import { serve } from '@hono/node-server';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 2_048,
};

/** The limits as configured (src/config.ts). */
export function serverLimitsFrom(config: {
  CLIENT_HEADERS_TIMEOUT_MS: number;
  CLIENT_REQUEST_TIMEOUT_MS: number;
  CLIENT_IDLE_TIMEOUT_MS: number;
  MAX_CONNECTIONS: number;
}): ServerLimits {
  return {
    headersTimeoutMs: config.CLIENT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.CLIENT_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.CLIENT_IDLE_TIMEOUT_MS,
    maxConnections: config.MAX_CONNECTIONS,
  };
}

export interface StartedServer {
  server: Server;
  port: number;
  /** Connections open now (for tests and metrics). */
  connections(): number;
}

/** Serve `fetch` on host:port with the limits above; resolves once listening. */
export async function startServer(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { host: string; port: number; limits?: Partial<ServerLimits> },
): Promise<StartedServer> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const server = serve({
    fetch,
    hostname: options.host,
    port: options.port,
    serverOptions: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
  }) as Server;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const tracker = new ConnectionTracker(limits.maxConnections);
  server.on('connection', (socket: Socket) => tracker.admit(socket));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => tracker.serving(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.once('listening', () => {
      // Only a failure to listen rejects; later errors are the caller's to handle.
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  return { server, port, connections: () => tracker.size };
}

/**
 * Open connections in the order they came, each marked while a complete request on it is being
 * answered. A Set keeps insertion order, so the first evictable one is the oldest.
 */
class ConnectionTracker {
  private readonly open = new Set<Socket>();
  private readonly answering = new WeakMap<Socket, number>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.open.size;
  }

  admit(socket: Socket): void {
    if (this.open.size >= this.max && !this.evictOne()) {
      // Every connection is being answered: this one waits its turn nowhere.
      socket.destroy();
      return;
    }
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  /** A request is being answered once all of it has arrived, until its response closes. */
  serving(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    let counted = false;
    let closed = false;
    const begin = () => {
      // A body discarded after the response (a 401 or 404 that never read it) ends after the
      // close: that request is no longer being answered.
      if (closed) return;
      counted = true;
      this.answering.set(socket, (this.answering.get(socket) ?? 0) + 1);
    };
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (req.complete || !hasBody) begin();
    else req.once('end', begin);
    res.once('close', () => {
      closed = true;
      req.off('end', begin);
      if (counted) this.answering.set(socket, Math.max(0, (this.answering.get(socket) ?? 1) - 1));
    });
  }

  private evictOne(): boolean {
    for (const socket of this.open) {
      if ((this.answering.get(socket) ?? 0) > 0) continue;
      this.open.delete(socket);
      socket.destroy();
      return true;
    }
    return false;
  }
}
