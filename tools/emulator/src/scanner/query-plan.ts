/**
 * FE `POST`/`GET /api/{db}/{table}/_query_plan` (spec §6.1, TableQueryPlanAction) and the opaque
 * plan it hands out. The plan is base64 of the emulator's own JSON (spec §6.1 allows a token only
 * the emulator understands); the BE scanner re-analyses its SQL when a scan opens.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context.js';
import { informationSchemaTable } from '../sql/information-schema.js';
import { analyzeScanSql, QueryPlanError } from './scan-sql.js';
import { schemaHash, tabletIds, tableVersion } from './tablets.js';

/** The decoded opaque plan. */
export interface PlanToken {
  readonly v: 1;
  readonly db: string;
  readonly table: string;
  readonly tableId: number;
  readonly sql: string;
  /** Tablet id → version at planning time. */
  readonly tablets: Readonly<Record<string, number>>;
  readonly schemaHash: number;
  readonly queryId: string;
}

export function encodePlan(p: PlanToken): string {
  return Buffer.from(JSON.stringify(p), 'utf8').toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a plan; on failure, the BE's `query_plan_info: ...` message (spec §6.2). */
export function decodePlan(text: string): { plan: PlanToken } | { error: string } {
  const tail = 'should not be modified after returned StarRocks FE processed';
  if (!BASE64.test(text)) return { error: `query_plan_info:  validate error, ${tail}` };
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const bad = { error: `query_plan_info: ${decoded} deserialize error, ${tail}` };
  let v: unknown;
  try {
    v = JSON.parse(decoded);
  } catch {
    return bad;
  }
  const p = v as Partial<PlanToken> | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    p.v !== 1 ||
    typeof p.db !== 'string' ||
    typeof p.table !== 'string' ||
    typeof p.tableId !== 'number' ||
    typeof p.sql !== 'string' ||
    typeof p.schemaHash !== 'number' ||
    typeof p.queryId !== 'string' ||
    typeof p.tablets !== 'object' ||
    p.tablets === null ||
    Object.values(p.tablets).some((x) => typeof x !== 'number')
  ) {
    return bad;
  }
  return { plan: p as PlanToken };
}

/** Matches `/api/{db}/{table}/_query_plan` (empty names included, so that they get their 400). */
export function matchQueryPlanPath(url: string): { db: string; table: string } | null {
  const path = url.split('?')[0] ?? '';
  const m = /^\/api\/([^/]*)\/([^/]*)\/_query_plan\/?$/.exec(path);
  if (!m) return null;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { db: dec(m[1]!), table: dec(m[2]!) };
}

async function readAll(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new QueryPlanError(400, `malformed json [ body exceeds ${limit} bytes ]`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** org.json's `optString("sql")`: missing or null → "", other values as text. */
function optString(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function reply(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const buf = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
  res.end(buf);
}

/** Builds the plan for an authenticated request; throws {@link QueryPlanError}. */
export function buildQueryPlan(
  ctx: EmulatorContext,
  db: string,
  table: string,
  body: string,
  routing: string,
): Record<string, unknown> {
  if (db === '' || table === '') throw new QueryPlanError(400, '{database}/{table} must be selected');
  if (body === '') throw new QueryPlanError(400, 'POST body must contains [sql] root object');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new QueryPlanError(400, `malformed json [ ${body} ]`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new QueryPlanError(400, `malformed json [ ${body} ]`);
  const sql = optString(json as Record<string, unknown>, 'sql');
  if (sql === '') throw new QueryPlanError(400, 'POST body must contains [sql] root object');
  const isInfoSchema = db.toLowerCase() === 'information_schema';
  if (!isInfoSchema && !ctx.store.databases.has(db))
    throw new QueryPlanError(404, `Database [${db}] does not exists`);
  const schema = isInfoSchema ? undefined : ctx.store.getTable(db, table);
  if (!schema) {
    if (isInfoSchema && informationSchemaTable(table, [], [], new Map()) !== null) {
      throw new QueryPlanError(
        403,
        `only support OlapTable currently, but Table [${table}] is not a OlapTable`,
      );
    }
    throw new QueryPlanError(404, `Table [${table}] does not exists`);
  }
  const scan = analyzeScanSql(ctx.store, sql);
  if (scan.db !== db || scan.tableName !== table) {
    throw new QueryPlanError(
      400,
      `requested database and table must consistent with sql: request [ ${db}.${table}]and sql [${scan.db}.${scan.tableName}]`,
    );
  }
  const version = tableVersion(ctx.txns, scan.table);
  const hash = schemaHash(scan.table);
  const ids = tabletIds(scan.table);
  const partitions: Record<string, unknown> = {};
  const tablets: Record<string, number> = {};
  for (const id of ids) {
    partitions[String(id)] = { routings: [routing], version, schemaHash: hash };
    tablets[String(id)] = version;
  }
  const plan = encodePlan({
    v: 1,
    db,
    table,
    tableId: scan.table.id,
    sql,
    tablets,
    schemaHash: hash,
    queryId: randomUUID(),
  });
  return { partitions, opaqued_query_plan: plan, status: 200 };
}

/**
 * Serves `_query_plan` after authentication: HTTP status = the `status` field, errors as
 * `{"status": <code>, "exception": "<text>"}`.
 */
export async function handleQueryPlan(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  db: string,
  table: string,
  routing: string,
): Promise<void> {
  try {
    const body = await readAll(req, 16 * 1024 * 1024);
    reply(res, 200, buildQueryPlan(ctx, db, table, body, routing));
  } catch (err) {
    if (!(err instanceof QueryPlanError)) throw err;
    reply(res, err.status, { status: err.status, exception: err.message });
  }
}
