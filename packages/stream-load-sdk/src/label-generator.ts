import { randomUUID } from 'node:crypto';
import { InvalidOptionError } from './errors.js';

/** StarRocks' label rule (`FeNameFormat.LABEL_REGEX`): letters, digits, `_`, `-`, 1–128 chars. */
export const LABEL_PATTERN = /^[-\w]{1,128}$/;

/** Throws InvalidOptionError when `label` breaks the server's label rule. */
export function validateLabel(label: unknown, name: string): asserts label is string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new InvalidOptionError(
      `\`${name}\` must match ${LABEL_PATTERN} (letters, digits, _ and -, 1–128 characters), got ${JSON.stringify(label)}`,
    );
  }
}

/** Makes labels for loads; deterministic generators make retries and restarts idempotent. */
export interface LabelGenerator {
  /** `variant` is set for rows written with `writeTo` (a column set of a partial update, …). */
  next(database: string, table: string, variant?: string): string;
}

/** `{prefix}-{uuid}` (or just the UUID). */
export function randomLabelGenerator(prefix = ''): LabelGenerator {
  // checked with a UUID's length, so every label it makes fits StarRocks' 128 characters
  if (prefix !== '') validateLabel(`${prefix}-${'0'.repeat(36)}`, 'labelPrefix');
  return { next: () => (prefix ? `${prefix}-${randomUUID()}` : randomUUID()) };
}

/** Replaces characters outside the label alphabet (for table names in labels). */
export function labelSafe(text: string): string {
  return text.replace(/[^-\w]/g, '_');
}
