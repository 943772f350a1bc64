import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { handleBeStreamLoad } from './be-stream-load.js';
import { handleBeTransaction } from './be-transaction.js';
import { attach, closeServer, listen, splitUrl } from './listen.js';
import { sendText } from './replies.js';

/** The BE HTTP listener: Stream Load, Transaction Stream Load, and error logs. */
export async function startBeHttp(
  ctx: EmulatorContext,
  host: string,
  port: number,
  onError: (err: unknown) => void,
) {
  const server = createServer();
  const handler = async (req: IncomingMessage, res: ServerResponse, expect: boolean) => {
    const { segments, query } = splitUrl(req.url ?? '/');
    const method = req.method ?? 'GET';
    if (segments[0] === 'api') {
      if (segments.length === 4 && segments[3] === '_stream_load' && method === 'PUT') {
        return handleBeStreamLoad(ctx, req, res, segments[1]!, segments[2]!, expect);
      }
      if (segments.length === 3 && segments[1] === 'transaction' && (method === 'POST' || method === 'PUT')) {
        return handleBeTransaction(ctx, req, res, segments[2]!, expect);
      }
      if (segments.length === 2 && segments[1] === '_load_error_log' && method === 'GET') {
        const log = ctx.errorLogs.get(query.get('file') ?? '');
        if (log === undefined) return sendText(res, 404, 'Not Found');
        return sendText(res, 200, log);
      }
    }
    sendText(res, 404, 'Not Found');
  };
  const sockets = attach(server, handler, onError);
  const actual = await listen(server, host, port);
  return { port: actual, close: () => closeServer(server, sockets) };
}
