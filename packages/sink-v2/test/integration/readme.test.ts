import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createSink } from '../../src/index.js';
import { useSinkTestEnv } from './sink-test-env.js';

const env = useSinkTestEnv('readme', {
  tables: ['orders'],
  columns: '(id INT NOT NULL, amount INT) PRIMARY KEY(id)',
});

/** The quick start's code block, as an async function of the caller's helpers. */
function quickStart(): (helpers: Record<string, unknown>) => Promise<void> {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const body = code
    .replace("import { createSink } from '@srconnect/sink-v2';", '')
    .replace("'http://127.0.0.1:8030'", 'FE_URL')
    .replace("database: 'demo'", 'database: DATABASE');
  expect(body).not.toMatch(/\bimport\b/);
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const names = ['createSink', 'FE_URL', 'DATABASE', 'load', 'store', 'source', 'timeToCheckpoint'];
  const fn = new AsyncFunction(...names, body);
  return (h) => fn(...names.map((n) => h[n]));
}

it("the README's quick start loads every row exactly once across clean restarts", async () => {
  const run = quickStart();
  const TOTAL = 100;
  let record: unknown; // the checkpoint store: a structured clone, as bytes on disk would be
  const stores: number[] = [];
  const helpers = (stopAt: number) => {
    let rows = 0;
    return {
      createSink,
      FE_URL: env.emu.feHttpUrl,
      DATABASE: env.db,
      load: async () => (record === undefined ? undefined : structuredClone(record)),
      store: async (r: { checkpointId: number }) => {
        record = structuredClone(r);
        stores.push(r.checkpointId);
      },
      source: async function* (from: number) {
        for (let pos = from; pos < Math.min(TOTAL, stopAt); pos++)
          yield { row: { id: pos, amount: pos * 10 }, next: pos + 1 };
      },
      timeToCheckpoint: () => ++rows % 7 === 0,
    };
  };
  await run(helpers(45)); // the first run's source ends early (a clean stop)
  const count = async () =>
    (await env.sql.query(`SELECT id, amount FROM ${env.db}.orders ORDER BY id`))[0] as { id: number }[];
  expect((await count()).map((r) => r.id)).toEqual(Array.from({ length: 45 }, (_, i) => i));
  const firstRunLast = stores.at(-1)!;
  await run(helpers(Number.POSITIVE_INFINITY)); // resumes at 45, checkpoint ids go on growing
  expect(stores.at(-1)!).toBeGreaterThan(firstRunLast);
  expect(stores).toEqual([...stores].sort((a, b) => a - b));
  await run(helpers(Number.POSITIVE_INFINITY)); // nothing left
  const rows = await count();
  expect(rows).toEqual(Array.from({ length: TOTAL }, (_, i) => ({ id: i, amount: i * 10 })));
  expect((record as { position: number }).position).toBe(TOTAL);
});
