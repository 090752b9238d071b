// Small builders for hand-made evidence.
import type { RunRecord, Subject, TableWrite } from '../../src/types.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Tuesday 2026-11-03 00:00 UTC. */
export const T0 = Date.UTC(2026, 10, 3);

export function aRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    subjectId: '1',
    runId: 'r1',
    startMs: T0,
    endMs: T0 + 600_000,
    result: 'SUCCESS',
    rawResult: 'SUCCESS',
    cause: 'user',
    failedTasks: [],
    plane: 'fast',
    ...over,
  };
}

export function aSubject(over: Partial<Subject> = {}): Subject {
  return {
    type: 'job',
    id: '1',
    name: 'orders_daily',
    targetTables: ['prod.sales.orders'],
    sourceTables: ['prod.raw.src'],
    ...over,
  };
}

/** Hourly writes over `days` before `endMs`, rows = base * (1 + small deterministic wobble). */
export function hourlyWrites(
  endMs: number,
  days: number,
  base: number,
  table = 'prod.sales.orders',
  wobble = 0.05,
): TableWrite[] {
  const out: TableWrite[] = [];
  for (let t = endMs - days * DAY; t < endMs; t += HOUR) {
    const k = Math.round(t / HOUR);
    const w = Math.sin(k * 12.9898) * 43758.5453;
    const u = w - Math.floor(w) - 0.5;
    out.push({
      table,
      subjectId: '1',
      runId: `b${k}`,
      timestampMs: t,
      rows: Math.round(base * (1 + wobble * 2 * u)),
      plane: 'fast',
    });
  }
  return out;
}

/** `count` successful runs `stepMs` apart from `firstMs`, each taking `secondsOf(i, startMs)`. */
export function runsEvery(
  firstMs: number,
  count: number,
  stepMs: number,
  secondsOf: (i: number, startMs: number) => number,
  prefix = 'b',
): RunRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const startMs = firstMs + i * stepMs;
    return aRun({ runId: `${prefix}${i}`, startMs, endMs: startMs + Math.round(secondsOf(i, startMs) * 1000) });
  });
}

/** A deterministic spread of `n` values over [-half, +half], in shuffled order. */
export function spread(n: number, half: number): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let step = 7;
  while (gcd(step, n) !== 1) step++;
  return Array.from({ length: n }, (_, i) => -half + (2 * half * ((i * step) % n)) / (n - 1));
}

/** Deterministic standard normal draws (Box-Muller on a Lehmer generator). */
export function normals(seed: number): () => number {
  let s = seed;
  const u = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
