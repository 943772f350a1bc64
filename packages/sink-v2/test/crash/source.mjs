// The deterministic source of the crash tests (plain JS: it runs in a spawned Node process).

export const TABLES = ['events', 'users', 'items'];

/** Row `i` of the source: its table, key, operation and value. */
export function sourceRow(i) {
  switch (i % 3) {
    case 0:
      return { table: 'events', key: i, kind: 'insert', row: { id: i, v: i } };
    case 1: {
      const key = (i * 7919) % 3000;
      return { table: 'users', key, kind: i % 11 === 1 ? 'delete' : 'upsert', row: { id: key, v: i } };
    }
    default: {
      const key = i % 1000;
      return { table: 'items', key, kind: i % 13 === 2 ? 'delete' : 'upsert', row: { id: key, v: i } };
    }
  }
}

/** What the tables must hold after rows [0, n) were applied exactly once, in order. */
export function expectedTables(n) {
  const events = [];
  const users = new Map();
  const items = new Map();
  for (let i = 0; i < n; i++) {
    const s = sourceRow(i);
    if (s.table === 'events') events.push(s.row.id);
    else {
      const m = s.table === 'users' ? users : items;
      if (s.kind === 'delete') m.delete(s.key);
      else m.set(s.key, s.row.v);
    }
  }
  return { events, users, items };
}
