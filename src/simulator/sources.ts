// Ingestion into the raw tables the pipelines read: a commit to each source table every quarter
// of an hour, its volume following the business day, noise, and any upstream incident on the
// table. The pipelines reading a source see the same incident in what they write.

import type { SimPipeline } from './catalog.js';
import type { Incident } from './plan.js';
import { normal, uniform } from './random.js';
import { volumeFactor } from './seasonality.js';

const MIN = 60_000;
export const SOURCE_CADENCE_MS = 15 * MIN;
/** Ingestion commits land this far into their quarter-hour. */
const OFFSET_MS = 5 * MIN;
const NOISE = 0.05;

export interface SourceCommit {
  readonly table: string;
  readonly timestampMs: number;
  readonly rows: number;
}

/** Every source table of the platform, sorted. */
export function sourceTablesOf(catalog: readonly SimPipeline[]): string[] {
  return [...new Set(catalog.flatMap((p) => p.sources))].sort();
}

/** Product of the factors of the incidents on `table` at `atMs`. */
export function incidentFactor(table: string, atMs: number, incidents: readonly Incident[]): number {
  let f = 1;
  for (const inc of incidents) if (inc.source === table && atMs >= inc.fromMs && atMs < inc.toMs) f *= inc.factor;
  return f;
}

export function sourceCommit(seed: number, table: string, slot: number, incidents: readonly Incident[]): SourceCommit {
  const at = slot * SOURCE_CADENCE_MS + OFFSET_MS;
  // 20k to 1M rows a quarter-hour at the daily mean, fixed per table.
  const base = Math.exp(Math.log(2e4) + uniform(seed, 'source-base', table) * Math.log(50));
  const rows =
    base *
    volumeFactor(at) *
    Math.exp(NOISE * normal(seed, 'source-rows', table, slot)) *
    incidentFactor(table, at, incidents);
  return { table, timestampMs: at, rows: Math.round(rows) };
}

/** Commits to `tables` landing in (fromMs, toMs], in time order. */
export function sourceCommitsBetween(
  seed: number,
  tables: readonly string[],
  fromMs: number,
  toMs: number,
  incidents: readonly Incident[],
): SourceCommit[] {
  const out: SourceCommit[] = [];
  for (
    let slot = Math.floor((fromMs - OFFSET_MS) / SOURCE_CADENCE_MS);
    slot * SOURCE_CADENCE_MS + OFFSET_MS <= toMs;
    slot++
  ) {
    const at = slot * SOURCE_CADENCE_MS + OFFSET_MS;
    if (at <= fromMs) continue;
    for (const t of tables) out.push(sourceCommit(seed, t, slot, incidents));
  }
  return out;
}
