import { typeToSql } from './column-type.js';
import { KEY_CLAUSE, type TableSchema } from './table-schema.js';

function bq(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function dq(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** `SHOW CREATE TABLE` text in StarRocks' shape (spec §7.3). */
export function showCreateTable(t: TableSchema): string {
  const lines = t.columns.map((c) => {
    let s = `  ${bq(c.name)} ${typeToSql(c.type)} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
    if (c.autoIncrement) s += ' AUTO_INCREMENT';
    if (c.default?.kind === 'literal') s += ` DEFAULT ${dq(c.default.value)}`;
    else if (c.default?.kind === 'current_timestamp') s += ' DEFAULT CURRENT_TIMESTAMP';
    s += ` COMMENT ${dq(c.comment)}`;
    return s;
  });
  let out = `CREATE TABLE ${bq(t.name)} (\n${lines.join(',\n')}\n) ENGINE=OLAP \n`;
  out += `${KEY_CLAUSE[t.keysType]}(${t.keys.map(bq).join(', ')})\n`;
  out += `COMMENT ${dq(t.comment || 'OLAP')}\n`;
  const d = t.distribution;
  out += d.type === 'HASH' ? `DISTRIBUTED BY HASH(${d.columns.map(bq).join(', ')})` : 'DISTRIBUTED BY RANDOM';
  out += d.buckets !== null ? ` BUCKETS ${d.buckets} \n` : '\n';
  if (t.orderBy) out += `ORDER BY(${t.orderBy.map(bq).join(', ')})\n`;
  const props = Object.keys(t.properties).sort();
  out += `PROPERTIES (\n${props.map((k) => `${dq(k)} = ${dq(t.properties[k]!)}`).join(',\n')}\n);`;
  return out;
}
