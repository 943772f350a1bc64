/**
 * Fault-injecting proxies for integration tests, on real loopback sockets:
 *
 * - {@link TcpFaultProxy}: a TCP proxy in front of a server (the BE scanner port) that can refuse
 *   connections, cut them after N server bytes (counted from the start of the Kth reply), stall
 *   server bytes, or trickle them slowly.
 * - {@link HttpFaultProxy}: an HTTP server in front of a real one (the FE) that forwards every request
 *   except those it answers with an injected reply (a status and body, a hang, or a cut).
 *
 * "Reply K" relies on the scanner protocol being strictly call/reply with one call in flight: a reply
 * starts with the first server bytes after the client has sent something.
 */
import { EventEmitter, once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does to one connection; all fields optional (none = a plain pass-through). */
export interface ConnectionFault {
  /** Reset the connection as soon as it is accepted (nothing reaches the server). */
  readonly refuse?: boolean;
  /**
   * Where the byte counts of `cutAfterBytes` / `stallAfterBytes` start: at the first byte of reply
   * `fromReply` (1-based: 1 = the reply to the first call). Default 1 (the connection's start).
   */
  readonly fromReply?: number;
  /** Forward exactly this many server bytes (from `fromReply`), then close both sides. */
  readonly cutAfterBytes?: number;
  /** Forward exactly this many server bytes (from `fromReply`), then hold every further byte. */
  readonly stallAfterBytes?: number;
  /** Forward server bytes in pieces of `chunkBytes`, one piece every `delayMs` (a slow link). */
  readonly slow?: { readonly chunkBytes: number; readonly delayMs: number };
}

/** One proxied connection, as the tests see it. */
export interface ProxyConnection {
  /** 0-based, in accept order. */
  readonly index: number;
  readonly fault: ConnectionFault;
  state: 'open' | 'refused' | 'cut' | 'stalled' | 'closed';
  /** Thrift method names of the calls the client sent (`open_scanner`, `get_next`, …), in order. */
  readonly calls: string[];
  /** Replies started so far (see the module comment). */
  replies: number;
  /** Server bytes received / forwarded to the client. */
  serverBytes: number;
  forwardedBytes: number;
  /** Server bytes waiting in the slow queue or held by a stall. */
  queuedBytes: number;
  /** Bytes of the current reply already forwarded to the client. */
  forwardedOfReply: number;
}

export interface TcpFaultProxyEvents {
  accept: [ProxyConnection];
  refuse: [ProxyConnection];
  cut: [ProxyConnection];
  stall: [ProxyConnection];
  close: [ProxyConnection];
}

export class TcpFaultProxy extends EventEmitter<TcpFaultProxyEvents> {
  readonly host = '127.0.0.1';
  readonly connections: ProxyConnection[] = [];
  #port = 0;
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #queue: ConnectionFault[] = [];
  #default: ConnectionFault = {};
  readonly #sockets = new Set<Socket>();
  readonly #releases = new Map<ProxyConnection, () => void>();

  private constructor(target: { host: string; port: number }) {
    super();
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Listens on a free loopback port in front of `host:port`. */
  static async start(targetHost: string, targetPort: number): Promise<TcpFaultProxy> {
    const p = new TcpFaultProxy({ host: targetHost, port: targetPort });
    p.#server.listen(0, p.host);
    await once(p.#server, 'listening');
    p.#port = (p.#server.address() as AddressInfo).port;
    return p;
  }

  get port(): number {
    return this.#port;
  }

  /** `host:port` of the proxy (what `backendAddressMap` should return). */
  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  /** The next `count` connections get `fault` (queued after earlier injections). */
  inject(fault: ConnectionFault, count = 1): this {
    for (let i = 0; i < count; i++) this.#queue.push(fault);
    return this;
  }

  /** Fault for every connection without an injected one. */
  setDefault(fault: ConnectionFault): this {
    this.#default = fault;
    return this;
  }

  /** Connections on which the client called `method` (e.g. `open_scanner`: scanner attempts that got that far). */
  called(method: string): ProxyConnection[] {
    return this.connections.filter((c) => c.calls.includes(method));
  }

  /** Connections whose current reply is partly forwarded with more bytes still queued (mid-batch). */
  midReply(): ProxyConnection[] {
    return this.connections.filter((c) => c.state === 'open' && c.forwardedOfReply > 0 && c.queuedBytes > 0);
  }

  /** Forwards what stalled connections hold and lets further bytes through. */
  release(): void {
    for (const r of [...this.#releases.values()]) r();
  }

  /** Resolves on the next `event` whose connection satisfies `pred`. */
  async next(
    event: keyof TcpFaultProxyEvents,
    pred: (c: ProxyConnection) => boolean = () => true,
  ): Promise<ProxyConnection> {
    return new Promise((resolve) => {
      const on = (c: ProxyConnection) => {
        if (!pred(c)) return;
        this.off(event, on);
        resolve(c);
      };
      this.on(event, on);
    });
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const fault = this.#queue.shift() ?? this.#default;
    const c: ProxyConnection = {
      index: this.connections.length,
      fault,
      state: 'open',
      calls: [],
      replies: 0,
      serverBytes: 0,
      forwardedBytes: 0,
      queuedBytes: 0,
      forwardedOfReply: 0,
    };
    this.connections.push(c);
    this.#track(client);
    this.emit('accept', c);
    if (fault.refuse) {
      c.state = 'refused';
      client.resetAndDestroy();
      this.emit('refuse', c);
      return;
    }
    const upstream = connect(this.#target);
    this.#track(upstream);
    upstream.setNoDelay(true);
    client.setNoDelay(true);

    const from = fault.fromReply ?? 1;
    let awaitingReply = false;
    let counted = 0; // server bytes since the start of reply `from`
    let stallDone = false;
    const held: Buffer[] = [];
    const out: (Buffer | { end: 'cut' | 'closed' })[] = [];
    let waiting = false; // a slow link is between two pieces

    const end = (why: 'cut' | 'closed') => {
      this.#releases.delete(c);
      upstream.destroy();
      // what was forwarded reaches the client, then FIN; the socket goes once that is written
      client.end(() => client.destroy());
      this.emit(why === 'cut' ? 'cut' : 'close', c);
    };
    const write = (b: Buffer) => {
      c.queuedBytes -= b.length;
      c.forwardedBytes += b.length;
      c.forwardedOfReply += b.length;
      client.write(b);
    };
    // the output stage, in order: direct, or trickled for a slow link
    const pump = () => {
      while (!waiting && out.length > 0) {
        const item = out[0] as Buffer | { end: 'cut' | 'closed' };
        if (!Buffer.isBuffer(item)) {
          out.shift();
          end(item.end);
          return;
        }
        if (!fault.slow) {
          out.shift();
          write(item);
          continue;
        }
        const piece = item.subarray(0, fault.slow.chunkBytes);
        if (piece.length === item.length) out.shift();
        else out[0] = item.subarray(piece.length);
        write(piece);
        waiting = true;
        setTimeout(() => {
          waiting = false;
          pump();
        }, fault.slow.delayMs);
      }
    };
    const send = (b: Buffer) => {
      if (b.length === 0) return;
      c.queuedBytes += b.length;
      out.push(b);
      pump();
    };
    const hold = (b: Buffer) => {
      if (b.length === 0) return;
      c.queuedBytes += b.length;
      held.push(b);
    };
    const finish = (why: 'cut' | 'closed') => {
      if (c.state === 'cut' || c.state === 'closed') return;
      c.state = why;
      if (why === 'cut') upstream.destroy(); // the server sees the connection go at once
      out.push({ end: why });
      pump();
    };

    let callStart = true; // the next client bytes begin a call
    client.on('data', (d: Buffer) => {
      if (c.state === 'cut' || c.state === 'closed') return;
      if (callStart) c.calls.push(thriftMethod(d));
      callStart = false;
      awaitingReply = true;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (c.state === 'cut' || c.state === 'closed') return;
      c.serverBytes += d.length;
      if (awaitingReply) {
        awaitingReply = false;
        callStart = true;
        c.replies++;
        c.forwardedOfReply = 0;
      }
      if (c.state === 'stalled') return hold(d);
      if (c.replies < from) return send(d);
      const cutAt = fault.cutAfterBytes;
      if (cutAt !== undefined && counted + d.length >= cutAt) {
        send(d.subarray(0, cutAt - counted));
        counted = cutAt;
        return finish('cut');
      }
      const stallAt = fault.stallAfterBytes;
      if (!stallDone && stallAt !== undefined && counted + d.length >= stallAt) {
        send(d.subarray(0, stallAt - counted));
        hold(d.subarray(stallAt - counted));
        counted += d.length;
        stallDone = true;
        c.state = 'stalled';
        this.#releases.set(c, () => {
          this.#releases.delete(c);
          if (c.state !== 'stalled') return;
          c.state = 'open';
          for (const b of held.splice(0)) {
            c.queuedBytes -= b.length;
            send(b);
          }
        });
        this.emit('stall', c);
        return;
      }
      counted += d.length;
      send(d);
    });
    // the server closed: the client gets what is queued first; the client closed: drop everything
    upstream.on('close', () => finish('closed'));
    client.on('close', () => {
      if (c.state === 'cut' || c.state === 'closed') return;
      c.state = 'closed';
      this.#releases.delete(c);
      upstream.destroy();
      this.emit('close', c);
    });
  }

  #track(s: Socket): void {
    this.#sockets.add(s);
    s.on('close', () => this.#sockets.delete(s));
    s.on('error', () => undefined);
  }
}

/** The method name of a strict TBinaryProtocol message header (`?` if the bytes are not one). */
function thriftMethod(b: Buffer): string {
  if (b.length < 8 || b.readUInt16BE(0) !== 0x8001) return '?';
  const len = b.readInt32BE(4);
  return b.length >= 8 + len ? b.toString('utf8', 8, 8 + len) : '?';
}

/** A reply the HTTP proxy sends instead of forwarding. */
export type InjectedReply =
  | { readonly status: number; readonly body: unknown; readonly contentType?: string }
  /** Never answer (the request hangs until the client gives up or the proxy closes). */
  | { readonly hang: true }
  /** Destroy the connection without an answer. */
  | { readonly destroy: true };

/** An HTTP server that forwards to `target` except for injected replies. */
export class HttpFaultProxy {
  /** Requests received (forwarded or answered with an injection). */
  requests = 0;
  forwarded = 0;
  readonly #queue: InjectedReply[] = [];
  readonly #server;
  readonly #target: URL;
  #port = 0;

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createHttpServer((req, res) => this.#handle(req, res));
  }

  static async start(target: string): Promise<HttpFaultProxy> {
    const p = new HttpFaultProxy(target);
    p.#server.listen(0, '127.0.0.1');
    await once(p.#server, 'listening');
    p.#port = (p.#server.address() as AddressInfo).port;
    return p;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The next `count` requests get `reply` instead of the target's. */
  inject(reply: InjectedReply, count = 1): this {
    for (let i = 0; i < count; i++) this.#queue.push(reply);
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const injected = this.#queue.shift();
    if (injected === undefined) {
      this.forwarded++;
      const up = request(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.#target.host },
        },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
      return;
    }
    // drain the request body either way
    req.resume();
    if ('hang' in injected) return;
    if ('destroy' in injected) {
      req.socket.destroy();
      return;
    }
    const body = typeof injected.body === 'string' ? injected.body : JSON.stringify(injected.body);
    res.writeHead(injected.status, { 'content-type': injected.contentType ?? 'application/json' });
    res.end(body);
  }
}
