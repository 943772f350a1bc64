// A crash-test worker: reads the deterministic source from its stored position, writes it through
// sink-v2 (exactly-once) or sink-v1 (at-least-once) with N writer subtasks, checkpoints every K
// rows (storing position + writer states + committables in a file BEFORE committing), and kills
// itself with SIGKILL at the moment CRASH_AT names (`phase:occurrence`).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createSink as createSinkV1 } from '@srconnect/sink-v1';
import { committableSerializer, createSink, writerStateSerializer } from '@srconnect/sink-v2';
import { sourceRow, TABLES } from './source.mjs';

const cfg = JSON.parse(process.argv[2]);
const { feUrl, db, checkpointFile, total, every, numSubtasks, mode } = cfg;
const [crashPhase, crashAt] = (process.env.CRASH_AT ?? ':0').split(':');
const seen = {};
function crashPoint(phase) {
  seen[phase] = (seen[phase] ?? 0) + 1;
  if (phase === crashPhase && seen[phase] === Number(crashAt)) {
    process.stdout.write(`crash ${phase}:${crashAt}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

function store(ckpt) {
  const tmp = `${checkpointFile}.tmp`;
  writeFileSync(tmp, JSON.stringify(ckpt));
  renameSync(tmp, checkpointFile);
}

const ckpt = existsSync(checkpointFile)
  ? JSON.parse(readFileSync(checkpointFile, 'utf8'))
  : { position: 0, checkpointId: 0, states: [], committables: null };
const connection = { feUrls: feUrl, user: 'root', connectTimeoutMs: 2000, labelStateTimeoutMs: 20_000 };
const retry = { retries: 6, initialDelayMs: 200, maxDelayMs: 2000 };
const tables = Object.fromEntries(
  TABLES.map((t) => [`${db}.${t}`, { columns: ['id', 'v'], primaryKey: t !== 'events' }]),
);
const pick = (key, n) => key % n;

if (mode === 'v1') {
  const sink = createSinkV1({
    connection,
    retry,
    tables,
    labelPrefix: 'crashv1',
    flush: { maxRows: 700, intervalMs: 0 },
  });
  for (let pos = ckpt.position; pos < total; pos++) {
    const s = sourceRow(pos);
    await sink.write(s.row, { database: db, table: s.table, kind: s.kind });
    if (pos % 997 === 0) crashPoint('mid-load');
    if ((pos + 1) % every === 0 || pos + 1 === total) {
      await sink.flush();
      crashPoint('after-flush');
      store({ position: pos + 1, checkpointId: 0, states: [], committables: null });
      crashPoint('after-store');
    }
  }
  await sink.close();
} else {
  const sink = createSink({
    connection,
    retry,
    tables,
    labelPrefix: 'crash',
    flush: { maxRows: 700 },
    transactionTimeoutSec: 600,
  });
  const restored = ckpt.states.map((b) => writerStateSerializer.deserialize(Buffer.from(b, 'base64')));
  const writers = [];
  for (let i = 0; i < numSubtasks; i++)
    writers.push(await sink.createWriter({ subtaskId: i, numSubtasks, restoredState: restored }));
  const committer = sink.createCommitter();
  // the stored committables of the last checkpoint (the writers re-committed them too; commit is idempotent)
  if (ckpt.committables)
    await committer.commit(committableSerializer.deserialize(Buffer.from(ckpt.committables, 'base64')));
  let checkpointId = ckpt.checkpointId;
  for (let pos = ckpt.position; pos < total; pos++) {
    const s = sourceRow(pos);
    await writers[pick(s.key, numSubtasks)].write(s.row, { database: db, table: s.table, kind: s.kind });
    if (pos % 997 === 0) crashPoint('mid-load');
    if ((pos + 1) % every === 0 || pos + 1 === total) {
      checkpointId++;
      const committables = (await Promise.all(writers.map((w) => w.prepareCommit(checkpointId)))).flat();
      crashPoint('after-prepare');
      const states = writers.map((w) =>
        Buffer.from(writerStateSerializer.serialize(w.snapshotState(checkpointId))).toString('base64'),
      );
      store({
        position: pos + 1,
        checkpointId,
        states,
        committables: Buffer.from(committableSerializer.serialize(committables)).toString('base64'),
      });
      crashPoint('after-store');
      for (const [n, c] of committables.entries()) {
        await committer.commit([c]);
        if (n === 0) crashPoint('mid-commit');
      }
      for (const w of writers) w.notifyCheckpointComplete(checkpointId);
    }
  }
  for (const w of writers) await w.close();
  await sink.close();
}
process.stdout.write('done\n');
