/** A unit of a scan: tablets read by one scanner, with the BEs that hold every one of them. */
export interface ScanSplit {
  /** Tablet ids (decimal text, so a split survives JSON). */
  readonly tabletIds: readonly string[];
  /** BE scanner addresses (`host:port`, as planned) holding all the tablets; the first is preferred. */
  readonly backends: readonly string[];
}

/**
 * Assigns each tablet to a BE as the Flink source does (the first replica BE not used yet, else the
 * one with the fewest tablets so far), then cuts each BE's tablets into splits of at most
 * ⌈tablets / parallelism⌉ so `parallelism` scanners can share the work.
 */
export function scanSplits(
  tablets: ReadonlyMap<bigint, readonly string[]>,
  parallelism: number,
): ScanSplit[] {
  const byBackend = new Map<string, bigint[]>();
  for (const [id, routings] of tablets) {
    let chosen: string | undefined = routings.find((r) => !byBackend.has(r));
    if (chosen === undefined) {
      for (const r of routings) {
        if (chosen === undefined || (byBackend.get(r)?.length ?? 0) < (byBackend.get(chosen)?.length ?? 0))
          chosen = r;
      }
    }
    if (chosen === undefined) continue; // no replica: the plan call already rejects this
    const list = byBackend.get(chosen) ?? [];
    list.push(id);
    byBackend.set(chosen, list);
  }
  const size = Math.max(1, Math.ceil(tablets.size / parallelism));
  const splits: ScanSplit[] = [];
  for (const [backend, ids] of byBackend) {
    for (let i = 0; i < ids.length; i += size) {
      const part = ids.slice(i, i + size);
      const others = (tablets.get(part[0] as bigint) ?? []).filter(
        (r) => r !== backend && part.every((t) => tablets.get(t)?.includes(r)),
      );
      splits.push({ tabletIds: part.map(String), backends: [backend, ...others] });
    }
  }
  return splits;
}
