/**
 * `POST /api/{db}/{table}/_query_plan` on the FE (spec §6.1): the opaque plan and, per tablet, the
 * BE scanner addresses of its replicas.
 */
import {
  AbortedError,
  AuthError,
  HttpStatusError,
  NetworkError,
  ProtocolError,
  TimeoutError,
} from '@srconnect/stream-load-sdk';
import { type Dispatcher, request, errors as undiciErrors } from 'undici';

/** 500 texts of TableQueryPlanAction for a statement it cannot analyse or plan (not worth a retry). */
const SQL_REJECTED = /The Sql is invalid|Planner should plan just only one ScanNode/;

export interface QueryPlan {
  /** `opaqued_query_plan`, passed back verbatim to `open_scanner`. */
  readonly plan: string;
  /** Tablet id → replica routings (`host:port` of BE scanner ports), in the FE's order. */
  readonly tablets: ReadonlyMap<bigint, readonly string[]>;
}

export interface QueryPlanRequest {
  readonly feUrl: string;
  readonly database: string;
  readonly table: string;
  readonly sql: string;
  readonly authorization: string;
  readonly warehouse?: string | undefined;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** One attempt at the query plan; errors are the SDK's (`retriable` says whether another FE or attempt may help). */
export async function fetchQueryPlan(r: QueryPlanRequest): Promise<QueryPlan> {
  const url = `${r.feUrl}/api/${encodeURIComponent(r.database)}/${encodeURIComponent(r.table)}/_query_plan`;
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    authorization: r.authorization,
  };
  if (r.warehouse !== undefined) headers.warehouse = r.warehouse;
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ sql: r.sql }),
      headersTimeout: r.timeoutMs,
      bodyTimeout: r.timeoutMs,
      signal: r.signal,
      ...(r.dispatcher ? { dispatcher: r.dispatcher } : {}),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    if (r.signal?.aborted) throw new AbortedError('the query plan request was aborted', e);
    if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
      throw new TimeoutError(`query plan from ${url} took over ${r.timeoutMs} ms`, r.timeoutMs, e);
    }
    throw new NetworkError(`query plan request to ${url} failed: ${(e as Error).message}`, url, e);
  }
  let body:
    | { status?: unknown; exception?: unknown; opaqued_query_plan?: unknown; partitions?: unknown }
    | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status === 401) {
    throw new AuthError(
      `the FE at ${r.feUrl} refused the credentials for the query plan (HTTP 401)`,
      status,
      text,
    );
  }
  if (status !== 200 || body?.status !== 200) {
    const why = typeof body?.exception === 'string' ? body.exception : text.slice(0, 500);
    const code = status === 200 ? Number(body?.status) || 500 : status;
    throw new HttpStatusError(
      `query plan for ${r.database}.${r.table} failed with HTTP ${code}: ${why}`,
      code,
      url,
      text,
      // the FE answers 500 for SQL it cannot analyse or plan: asking again gives the same answer
      code >= 500 && !SQL_REJECTED.test(why),
    );
  }
  const plan = body.opaqued_query_plan;
  const partitions = body.partitions;
  if (typeof plan !== 'string' || typeof partitions !== 'object' || partitions === null) {
    throw new ProtocolError(`query plan reply from ${url} lacks opaqued_query_plan or partitions`, text);
  }
  const tablets = new Map<bigint, string[]>();
  for (const [id, info] of Object.entries(partitions)) {
    const routings = (info as { routings?: unknown }).routings;
    if (
      !/^\d+$/.test(id) ||
      !Array.isArray(routings) ||
      routings.length === 0 ||
      routings.some((x) => typeof x !== 'string')
    ) {
      throw new ProtocolError(
        `query plan reply from ${url} has a malformed partition entry for tablet ${id}`,
        text,
      );
    }
    tablets.set(BigInt(id), routings as string[]);
  }
  return { plan, tablets };
}
