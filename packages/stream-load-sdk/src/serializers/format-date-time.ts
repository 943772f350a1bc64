import type { DateTimeZone } from './row-serializer.js';
import { serializationFailure } from './serialization-failure.js';

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

const MS_PER_DAY = 86_400_000;

/** The last day rendered as `YYYY-MM-DD` (rows of one load mostly share a few days). */
let cachedDay = Number.NaN;
let cachedYmd = '';

/** `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian, H. Hinnant's civil_from_days). */
function ymdOfDay(day: number): string {
  if (day === cachedDay) return cachedYmd;
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  cachedDay = day;
  cachedYmd = `${y >= 1000 ? String(y) : String(y).padStart(4, '0')}-${PAD2[m]!}-${PAD2[d]!}`;
  return cachedYmd;
}

/** Epoch ms of 0000-01-01T00:00:00Z and of 10000-01-01T00:00:00Z: the DATE/DATETIME range. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS_EXCLUSIVE = 253_402_300_800_000;

/**
 * Renders a JS `Date` as StarRocks DATETIME text `YYYY-MM-DD HH:MM:SS.ffffff` (microseconds, from the
 * millisecond value, so the last three digits are always `000`), or as DATE text `YYYY-MM-DD` when
 * `dateOnly`. The wall time is UTC, or the process's local time zone with `'local'` (the offset in
 * force at that instant). An invalid Date, or a wall time outside years 0000–9999 (the
 * DATE/DATETIME range), is a `SerializationError`.
 */
export function formatDateTime(
  date: Date,
  dateOnly: boolean,
  timeZone: DateTimeZone,
  column: string,
  rowIndex: number,
): string {
  let ms = date.getTime();
  if (Number.isNaN(ms)) throw serializationFailure('the Date is invalid (its time is NaN)', column, rowIndex);
  if (timeZone === 'local') ms -= date.getTimezoneOffset() * 60_000;
  if (ms < MIN_MS || ms >= MAX_MS_EXCLUSIVE) {
    throw serializationFailure(
      `the Date ${date.toISOString()} is outside the StarRocks DATE/DATETIME range (years 0000 to 9999)`,
      column,
      rowIndex,
    );
  }
  const day = Math.floor(ms / MS_PER_DAY);
  const ymd = ymdOfDay(day);
  if (dateOnly) return ymd;
  let rest = ms - day * MS_PER_DAY;
  const h = (rest / 3_600_000) | 0;
  rest -= h * 3_600_000;
  const mi = (rest / 60_000) | 0;
  rest -= mi * 60_000;
  const s = (rest / 1000) | 0;
  rest -= s * 1000;
  return `${ymd} ${PAD2[h]!}:${PAD2[mi]!}:${PAD2[s]!}.${PAD3[rest]!}000`;
}
