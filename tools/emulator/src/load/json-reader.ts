import { canonicalJson, parseJsonExact } from './value-converter.js';

/** The JSON layout options of a load (spec §3.2). */
export interface JsonFormat {
  readonly stripOuterArray: boolean;
  readonly jsonRoot: string | null;
  readonly jsonPaths: readonly string[] | null;
}

/** A structural JSON error: one filtered row, and the load stops with this message. */
export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
  readonly snippet: string;

  constructor(message: string, snippet: string) {
    super(message);
    this.snippet = snippet;
  }
}

/** A path step: an object key or an array index. */
type PathStep = string | number;

/** Parses `$`, `$.a.b`, `$.a[0]`, `$["a b"]` into steps. */
export function parseJsonPath(path: string): PathStep[] {
  const p = path.trim();
  if (!p.startsWith('$')) throw new Error(`Invalid json path: ${path}`);
  const steps: PathStep[] = [];
  let i = 1;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      let j = i + 1;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const key = p.slice(i + 1, j);
      if (key === '') throw new Error(`Invalid json path: ${path}`);
      steps.push(key);
      i = j;
    } else if (c === '[') {
      const j = p.indexOf(']', i);
      if (j < 0) throw new Error(`Invalid json path: ${path}`);
      const inner = p.slice(i + 1, j).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^(["']).*\1$/.test(inner)) steps.push(inner.slice(1, -1));
      else if (inner === '*') throw new Error(`Invalid json path: ${path} (wildcards are not supported)`);
      else throw new Error(`Invalid json path: ${path}`);
      i = j + 1;
    } else throw new Error(`Invalid json path: ${path}`);
  }
  return steps;
}

export function evalJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let cur = value;
  for (const s of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof s === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[s];
    } else {
      if (Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}

/** Splits a stream of JSON documents (NDJSON or concatenated) into document texts. */
function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      if (start < 0) start = i;
    } else if (c === 123 || c === 91) {
      if (depth === 0 && start < 0) start = i;
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0 && start >= 0) {
        docs.push(text.slice(start, i + 1));
        start = -1;
      }
      if (depth < 0)
        throw new JsonBodyError(
          'Failed to parse json as document stream. error: unbalanced brackets',
          text.slice(i, i + 50),
        );
    } else if (depth === 0 && c > 32 && start < 0) {
      start = i;
      let j = i;
      while (j < text.length && text.charCodeAt(j) > 32) j++;
      docs.push(text.slice(i, j));
      start = -1;
      i = j - 1;
    }
  }
  if (depth !== 0 || inString) {
    throw new JsonBodyError(
      'Failed to parse json as document stream. error: incomplete document',
      text.slice(start, start + 100),
    );
  }
  return docs;
}

function parseDoc(doc: string): unknown {
  try {
    return parseJsonExact(doc);
  } catch (err) {
    throw new JsonBodyError(
      `Failed to parse json as document stream. error: ${(err as Error).message}`,
      doc.length > 200 ? `${doc.slice(0, 200)}...` : doc,
    );
  }
}

/**
 * Turns a JSON body into row objects following `strip_outer_array` and `json_root`.
 * Throws {@link JsonBodyError} for a structural error of the body.
 */
export function readJsonRows(text: string, format: JsonFormat): unknown[] {
  const first = /\S/.exec(text);
  if (!first) return [];
  const c = first[0];
  if (c !== '{' && c !== '[')
    throw new JsonBodyError(`illegal json started with ${c}`, text.slice(first.index, first.index + 50));
  const docs = splitDocuments(text).map(parseDoc);
  const rows: unknown[] = [];
  if (format.jsonRoot === null) {
    if (format.stripOuterArray) {
      if (docs.length !== 1 || !Array.isArray(docs[0])) {
        throw new JsonBodyError(
          `the value should be array type with strip_outer_array=true, value: ${clip(canonicalJson(docs[0]))}`,
          clip(canonicalJson(docs[0])),
        );
      }
      rows.push(...(docs[0] as unknown[]));
      return rows;
    }
    for (const d of docs) {
      if (Array.isArray(d)) {
        throw new JsonBodyError(
          'The value is array type in json document stream, you can set strip_outer_array=true to parse each element of the array as individual rows',
          clip(canonicalJson(d)),
        );
      }
      rows.push(d);
    }
    return rows;
  }
  let steps: PathStep[];
  try {
    steps = parseJsonPath(format.jsonRoot);
  } catch (err) {
    throw new JsonBodyError((err as Error).message, format.jsonRoot);
  }
  const objects = docs.flatMap((d) => (Array.isArray(d) ? d : [d]));
  for (const o of objects) {
    const root = evalJsonPath(o, steps);
    if (format.stripOuterArray) {
      if (!Array.isArray(root)) {
        throw new JsonBodyError(
          `the value should be array type with strip_outer_array=true, value: ${clip(canonicalJson(root ?? null))}`,
          clip(canonicalJson(o)),
        );
      }
      rows.push(...root);
    } else rows.push(root);
  }
  return rows;
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
