import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => Promise<void>;

/**
 * Wires a handler to a server: `Expect: 100-continue` requests reach the handler before any
 * `100 Continue` is sent (the handler decides), and unexpected errors become a 500.
 */
export function attach(server: Server, handler: Handler, onError: (err: unknown) => void): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const run = (req: IncomingMessage, res: ServerResponse, expect: boolean) => {
    handler(req, res, expect).catch((err: unknown) => {
      onError(err);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`internal error: ${(err as Error).message}`);
      } else res.destroy();
    });
  };
  server.on('request', (req, res) => run(req, res, false));
  server.on('checkContinue', (req, res) => run(req, res, true));
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  return sockets;
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
}

/** Splits a request path into decoded segments and the query string. */
export function splitUrl(url: string): { segments: string[]; query: URLSearchParams; search: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const search = q < 0 ? '' : url.slice(q);
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(search), search };
}
