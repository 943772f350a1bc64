/** Helpers of the read-path tests: `_query_plan` over raw HTTP and full scans over raw Thrift. */
import { type Table, tableFromIPC } from 'apache-arrow';
import { expect } from 'vitest';
import type { Emulator } from '../../../src/index.js';
import { type HttpReply, type Json, parseJson, ROOT_AUTH, send } from '../helpers.js';
import type { ScannerClient } from './thrift-client.js';

export interface PlanReply extends HttpReply {
  json: Json;
}

/** `POST /api/{db}/{table}/_query_plan` with `{"sql": ...}` (or a raw body). */
export async function queryPlan(
  emu: Emulator,
  db: string,
  table: string,
  body: string | Record<string, unknown>,
  opts: { method?: string; auth?: string | null } = {},
): Promise<PlanReply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const auth = opts.auth === undefined ? ROOT_AUTH : opts.auth;
  if (auth !== null) headers.Authorization = auth;
  const r = await send(
    `${emu.feHttpUrl}/api/${encodeURIComponent(db)}/${encodeURIComponent(table)}/_query_plan`,
    {
      method: opts.method ?? 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  );
  return { ...r, json: parseJson(r.body) };
}

export interface Plan {
  plan: string;
  tablets: number[];
  partitions: Record<string, { routings: string[]; version: number; schemaHash: number }>;
}

/** A successful plan for `sql`. */
export async function planFor(emu: Emulator, db: string, table: string, sql: string): Promise<Plan> {
  const r = await queryPlan(emu, db, table, { sql });
  expect(r.status, r.body).toBe(200);
  const partitions = r.json.partitions as Plan['partitions'];
  return {
    plan: r.json.opaqued_query_plan as string,
    tablets: Object.keys(partitions).map(Number),
    partitions,
  };
}

export interface ScanResult {
  batches: Table[];
  rows: Record<string, unknown>[];
  selected: { name: string; type: number }[];
  /** Rows per `get_next` batch. */
  sizes: number[];
}

/** open_scanner, get_next until eos (checking offsets and the batch limit), close_scanner. */
export async function scan(
  client: ScannerClient,
  db: string,
  table: string,
  plan: string,
  tablets: number[],
  batchSize = 1024,
): Promise<ScanResult> {
  const open = await client.open({ database: db, table, tabletIds: tablets, plan, batchSize });
  expect(open.status, JSON.stringify(open.status)).toEqual({ code: 0, messages: [] });
  const id = open.contextId!;
  const batches: Table[] = [];
  const sizes: number[] = [];
  let offset = 0;
  for (;;) {
    const r = await client.next(id, offset);
    expect(r.status, JSON.stringify(r.status)).toEqual({ code: 0, messages: [] });
    if (r.eos) {
      expect(r.rows).toBeUndefined();
      break;
    }
    expect(r.eos).toBe(false);
    const t = tableFromIPC(r.rows!);
    expect(t.batches.length).toBe(1);
    expect(t.numRows).toBeGreaterThan(0);
    expect(t.numRows).toBeLessThanOrEqual(batchSize);
    batches.push(t);
    sizes.push(t.numRows);
    offset += t.numRows;
  }
  expect(await client.closeScanner(id)).toEqual({ code: 0, messages: [] });
  const rows = batches.flatMap((t) => t.toArray().map((r) => r.toJSON() as Record<string, unknown>));
  return { batches, rows, selected: open.selectedColumns ?? [], sizes };
}
