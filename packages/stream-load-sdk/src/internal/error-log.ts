import { sendHttp } from './http-request.js';

/** Replaces row contents in an error log (`Row: …` to the end of line, `Value '…'`). */
export function redactErrorLog(text: string): string {
  const out = text
    .split('\n')
    .map((line) => {
      const i = line.indexOf('Row:');
      const cut = i >= 0 ? `${line.slice(0, i)}Row: <redacted>` : line;
      return cut
        .replace(/Value '(?:[^'\\]|\\.)*'/g, "Value '<redacted>'")
        .replace(/Value "(?:[^"\\]|\\.)*"/g, 'Value "<redacted>"');
    })
    .join('\n');
  return out.trim() === '' ? 'Data validation errors detected. Row data has been redacted.' : out;
}

/**
 * Fetches the error log behind an `ErrorURL` (no credentials are sent: the BE serves it without
 * auth). Returns its first `maxBytes` bytes, or null when it cannot be fetched.
 */
export async function fetchErrorLog(
  errorUrl: string,
  o: { maxBytes: number; redact: boolean; timeoutMs: number; signal?: AbortSignal },
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(errorUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  try {
    const r = await sendHttp({
      url,
      method: 'GET',
      headers: { Connection: 'close' },
      expectContinue: false,
      connectTimeoutMs: o.timeoutMs,
      socketTimeoutMs: o.timeoutMs,
      waitForContinueTimeoutMs: o.timeoutMs,
      signal: o.signal,
      maxReplyBytes: o.maxBytes,
    });
    if (r.status !== 200) return null;
    const text = Buffer.from(r.body).subarray(0, o.maxBytes).toString('utf8');
    return o.redact ? redactErrorLog(text) : text;
  } catch {
    return null;
  }
}
