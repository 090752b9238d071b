// How a Databricks SQL alert (v2) judges its query's rows, for the alerts of alerts.yml run on the
// embedded warehouse: the source column, aggregated over the rows (or the first row's value when no
// aggregation is set), compared with the threshold; an empty result takes empty_result_state.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Row } from '../../src/warehouse/port.js';

export interface AlertEvaluation {
  readonly source: { readonly name: string; readonly aggregation?: string };
  readonly comparison_operator: string;
  readonly threshold?: { readonly value?: { readonly double_value?: number } };
  readonly empty_result_state?: 'OK' | 'TRIGGERED' | 'UNKNOWN' | 'ERROR';
}

export interface AlertResource {
  readonly display_name: string;
  readonly query_text: string;
  readonly evaluation: AlertEvaluation;
}

export type AlertState = 'OK' | 'TRIGGERED' | 'UNKNOWN' | 'ERROR';

/** The alerts as deployed, from alerts.yml at the repository root. */
export function bundleAlerts(): Record<string, AlertResource> {
  const doc = parse(readFileSync(join(import.meta.dirname, '../../alerts.yml'), 'utf8')) as {
    resources: { alerts: Record<string, AlertResource> };
  };
  return doc.resources.alerts;
}

export function evaluateAlert(ev: AlertEvaluation, rows: readonly Row[]): AlertState {
  if (rows.length === 0) return ev.empty_result_state ?? 'UNKNOWN';
  if (!(ev.source.name in rows[0]!)) throw new Error(`alert source column '${ev.source.name}' is not in the result`);
  const values = rows.map((r) => r[ev.source.name]);
  const value = aggregate(ev.source.aggregation, values);
  if (ev.comparison_operator === 'IS_NULL') return value === null ? 'TRIGGERED' : 'OK';
  if (ev.comparison_operator === 'IS_NOT_NULL') return value !== null ? 'TRIGGERED' : 'OK';
  const threshold = ev.threshold?.value?.double_value;
  if (threshold === undefined) throw new Error('alert: only a double_value threshold is modelled');
  if (value === null) return 'OK';
  const v = Number(value);
  const met = {
    GREATER_THAN: v > threshold,
    GREATER_THAN_OR_EQUAL: v >= threshold,
    LESS_THAN: v < threshold,
    LESS_THAN_OR_EQUAL: v <= threshold,
    EQUAL: v === threshold,
    NOT_EQUAL: v !== threshold,
  }[ev.comparison_operator];
  if (met === undefined) throw new Error(`alert: comparison ${ev.comparison_operator} is not modelled`);
  return met ? 'TRIGGERED' : 'OK';
}

function aggregate(aggregation: string | undefined, values: readonly unknown[]): unknown {
  const present = values.filter((v) => v !== null && v !== undefined);
  const nums = present.map(Number);
  switch (aggregation) {
    case undefined:
      return values[0] ?? null;
    case 'COUNT':
      return present.length;
    case 'COUNT_DISTINCT':
      return new Set(present.map(String)).size;
    case 'SUM':
      return nums.reduce((a, b) => a + b, 0);
    case 'MAX':
      return nums.length ? Math.max(...nums) : null;
    case 'MIN':
      return nums.length ? Math.min(...nums) : null;
    case 'AVG':
      return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
    default:
      throw new Error(`alert: aggregation ${aggregation} is not modelled`);
  }
}
