// Billing rows (tick/cost_usage: a run's usage records summed) held to what a run's cost is
// before the cost check sees them: a subject, a run, a time span and a positive DBU total (a
// run whose records net to zero or below was retracted, or the row is junk). A row that breaks a
// rule is an error of its job or pipeline naming the row, never a row dropped silently.

import type { MeasurementError, RunCost } from '../types.js';
import type { Row } from '../warehouse/port.js';
import { checkId, checkSpan, checkTime, firstReason, malformedRow, numeric } from './validate-values.js';

/** More DBUs than any run burns (a thousand nodes for a year is under 1e7): junk. */
const MAX_DBUS = 1e8;

function dbusReason(v: unknown): string | null {
  const n = numeric(v);
  if (v === null || v === undefined || !Number.isFinite(n)) return `dbus is ${String(v)}, not a number`;
  if (n <= 0 || n > MAX_DBUS) return `dbus ${n} is outside (0, ${MAX_DBUS}]`;
  return null;
}

function dollarsReason(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const n = numeric(v);
  return Number.isFinite(n) && n >= 0 ? null : `dollars ${String(v)} is not an amount at or above 0`;
}

export interface ValidatedCosts {
  readonly costs: RunCost[];
  readonly errors: MeasurementError[];
}

export function validateCostRows(rows: readonly Row[]): ValidatedCosts {
  const costs: RunCost[] = [];
  const errors = new Map<string, MeasurementError>();
  for (const r of rows) {
    const type = r.subject_type === 'pipeline' ? 'pipeline' : 'job';
    const subject = `${type}:${String(r.subject_id)}`;
    const from = numeric(r.from_ms);
    const to = numeric(r.billed_to_ms);
    const reason = firstReason(
      checkId('run_id', r.run_id),
      checkTime('from_ms', r.from_ms),
      checkTime('billed_to_ms', r.billed_to_ms),
      Number.isFinite(from) && Number.isFinite(to) ? checkSpan('from_ms', from, 'billed_to_ms', to) : null,
      dbusReason(r.dbus),
      dollarsReason(r.dollars),
    );
    if (reason !== null) {
      // One error per subject: the first bad row names what to look at.
      if (!errors.has(subject))
        errors.set(subject, malformedRow('cost', subject, 'system.billing.usage', `run ${String(r.run_id)}`, reason));
      continue;
    }
    costs.push({
      subjectId: String(r.subject_id),
      runId: String(r.run_id),
      usageFromMs: from,
      billedToMs: to,
      dbus: numeric(r.dbus),
      dollars: r.dollars === null || r.dollars === undefined ? null : numeric(r.dollars),
    });
  }
  return { costs, errors: [...errors.values()] };
}
