import type { SecureContextOptions } from 'node:tls';
import { InvalidOptionError } from './errors.js';
import { type ResolvedRetryOptions, type RetryOptions, resolveRetryOptions } from './retry-policy.js';
import type { Logger, StreamLoadProperties } from './types.js';

/** Options of {@link createStreamLoadClient}. */
export interface StreamLoadClientOptions {
  /** FE HTTP addresses (`http://fe:8030` or `https://…`); several are rotated with a health memory. */
  feUrls: string | readonly string[];
  /**
   * BE HTTP addresses to use instead of the address the FE redirects to (for containers and
   * clouds where that address is unreachable). Loads go straight to a BE; any FE redirect is
   * re-pointed at one of these.
   */
  beUrls?: readonly string[];
  user: string;
  /** @default '' */
  password?: string;
  /** @default 30000 */
  connectTimeoutMs?: number;
  /** Longest silence on a connection (waiting for a reply included). @default 630000 (the 600 s load timeout + 30 s) */
  socketTimeoutMs?: number;
  /** How long to wait for `100 Continue` before sending the body anyway. @default 30000 */
  waitForContinueTimeoutMs?: number;
  /** Retries of retriable failures (network, timeouts, `TXN_IN_PROCESSING`…), always with the same label. */
  retry?: RetryOptions;
  /** Upper bound of polling `get_load_state` while a label's transaction finishes. @default 60000 */
  labelStateTimeoutMs?: number;
  /** Default load properties (StarRocks header spelling), merged under each call's own. */
  properties?: StreamLoadProperties;
  /** TLS options for `https://` FE URLs (CA, client certificate, `rejectUnauthorized`). */
  tls?: SecureContextOptions & { rejectUnauthorized?: boolean; servername?: string };
  /** Fetch the error log behind `ErrorURL` when a load fails. @default true */
  fetchErrorLog?: boolean;
  /** Replace row contents in fetched error logs (`Row: …`, `Value '…'`). @default false */
  redactErrorLog?: boolean;
  /** Bytes of the error log kept. @default 3000 */
  errorLogMaxBytes?: number;
  /** How long an FE that failed to connect is skipped. @default 10000 */
  unhealthyFeMs?: number;
  /** Keep-alive connections to BEs. @default true */
  keepAlive?: boolean;
  logger?: Logger;
}

export interface ResolvedClientOptions {
  readonly feUrls: readonly URL[];
  readonly beUrls: readonly URL[];
  readonly user: string;
  readonly password: string;
  readonly connectTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly waitForContinueTimeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  readonly labelStateTimeoutMs: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly tls: StreamLoadClientOptions['tls'] | undefined;
  readonly fetchErrorLog: boolean;
  readonly redactErrorLog: boolean;
  readonly errorLogMaxBytes: number;
  readonly unhealthyFeMs: number;
  readonly keepAlive: boolean;
  readonly logger: Logger | undefined;
}

const KNOWN = new Set([
  'feUrls',
  'beUrls',
  'user',
  'password',
  'connectTimeoutMs',
  'socketTimeoutMs',
  'waitForContinueTimeoutMs',
  'retry',
  'labelStateTimeoutMs',
  'properties',
  'tls',
  'fetchErrorLog',
  'redactErrorLog',
  'errorLogMaxBytes',
  'unhealthyFeMs',
  'keepAlive',
  'logger',
]);

const RENAMED: Record<string, string> = {
  loadUrl: 'feUrls',
  loadUrls: 'feUrls',
  username: 'user',
  timeout: 'socketTimeoutMs',
  maxRetries: 'retry.retries',
  headers: 'properties',
};

/** A URL text for messages: anything up to the last `@` (the userinfo, maybe with a password) hidden. */
function withoutUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  return `${scheme}***${text.slice(at)}`;
}

function parseUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidOptionError(`\`${name}\` must be a URL string like http://fe:8030`);
  let text = value.trim();
  if (!/^[a-z]+:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidOptionError(`\`${name}\` is not a valid URL: ${JSON.stringify(withoutUserinfo(value))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidOptionError(`\`${name}\` must use http or https, got ${url.protocol}`);
  if (url.username || url.password) {
    throw new InvalidOptionError(
      `\`${name}\` must not contain credentials; pass \`user\` and \`password\` instead`,
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search)
    throw new InvalidOptionError(`\`${name}\` must be an origin (scheme://host:port) without a path`);
  return new URL(url.origin);
}

function num(
  o: Record<string, unknown>,
  key: string,
  dflt: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidOptionError(
      `\`${key}\` must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function bool(o: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean')
    throw new InvalidOptionError(`\`${key}\` must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates load properties: string values only (`undefined` entries are dropped). */
export function resolveProperties(p: unknown, name: string): Record<string, string> {
  if (p === undefined) return {};
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw new InvalidOptionError(`\`${name}\` must be an object of header → string`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (typeof v !== 'string')
      throw new InvalidOptionError(
        `\`${name}.${k}\` must be a string (StarRocks header values are text), got ${typeof v}`,
      );
    const key = k.toLowerCase();
    if (key === 'authorization' || key === 'expect' || key === 'content-length' || key === 'host') {
      throw new InvalidOptionError(`\`${name}.${k}\` is set by the client and cannot be given`);
    }
    if (key === 'enable_merge_commit' && v.trim().toLowerCase() === 'true') {
      throw new InvalidOptionError(
        `\`${name}.${k}\`: merge commit is not supported — StarRocks ignores the label there, so a load retried after a lost reply could be applied twice`,
      );
    }
    // a CR, LF or NUL would split or end the header (request smuggling)
    if (/[\r\n\0]/.test(v))
      throw new InvalidOptionError(`\`${name}.${k}\` must not contain CR, LF or NUL characters`);
    out[key] = v;
  }
  return out;
}

/** Validates client options once, applying every default. Errors name the option. */
export function resolveClientOptions(input: StreamLoadClientOptions): ResolvedClientOptions {
  if (typeof input !== 'object' || input === null) throw new InvalidOptionError('options must be an object');
  const o = input as unknown as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (RENAMED[k]) throw new InvalidOptionError(`\`${k}\` is not an option; use \`${RENAMED[k]}\``);
    if (!KNOWN.has(k)) throw new InvalidOptionError(`unknown option \`${k}\``);
  }
  const fe = typeof o.feUrls === 'string' ? [o.feUrls] : o.feUrls;
  if (!Array.isArray(fe) || fe.length === 0)
    throw new InvalidOptionError('`feUrls` must be a URL or a non-empty list of URLs');
  const feUrls = fe.map((u, i) => parseUrl(u, `feUrls[${i}]`));
  const be = o.beUrls ?? [];
  if (!Array.isArray(be)) throw new InvalidOptionError('`beUrls` must be a list of URLs');
  const beUrls = be.map((u, i) => parseUrl(u, `beUrls[${i}]`));
  if (typeof o.user !== 'string' || o.user === '')
    throw new InvalidOptionError('`user` must be a non-empty string');
  if (o.password !== undefined && typeof o.password !== 'string')
    throw new InvalidOptionError('`password` must be a string');
  if (o.logger !== undefined && (typeof o.logger !== 'object' || o.logger === null))
    throw new InvalidOptionError('`logger` must be an object with debug/info/warn/error methods');
  if (o.tls !== undefined && (typeof o.tls !== 'object' || o.tls === null))
    throw new InvalidOptionError('`tls` must be an object of TLS options');
  return {
    feUrls,
    beUrls,
    user: o.user,
    password: (o.password as string | undefined) ?? '',
    connectTimeoutMs: num(o, 'connectTimeoutMs', 30_000, 1, 600_000),
    socketTimeoutMs: num(o, 'socketTimeoutMs', 630_000, 1),
    waitForContinueTimeoutMs: num(o, 'waitForContinueTimeoutMs', 30_000, 1, 600_000),
    retry: resolveRetryOptions(o.retry as RetryOptions | undefined),
    labelStateTimeoutMs: num(o, 'labelStateTimeoutMs', 60_000, 0),
    properties: resolveProperties(o.properties, 'properties'),
    tls: o.tls as StreamLoadClientOptions['tls'],
    fetchErrorLog: bool(o, 'fetchErrorLog', true),
    redactErrorLog: bool(o, 'redactErrorLog', false),
    errorLogMaxBytes: num(o, 'errorLogMaxBytes', 3000, 0),
    unhealthyFeMs: num(o, 'unhealthyFeMs', 10_000, 0),
    keepAlive: bool(o, 'keepAlive', true),
    logger: o.logger as Logger | undefined,
  };
}
