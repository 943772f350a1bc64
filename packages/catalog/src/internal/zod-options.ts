import { InvalidOptionError } from '@srconnect/stream-load-sdk';
import type { z } from 'zod';

/** Formats zod issues as lines `` `path`: message ``. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): string[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * Parses `input` with `schema`; on failure throws one {@link InvalidOptionError} whose lines name
 * each option path (`pool.connectionLimit: Too small: expected number to be >=1`).
 */
export function parseZodOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new InvalidOptionError(`Invalid ${what}:\n${formatIssues(result.error.issues).join('\n')}`);
}
