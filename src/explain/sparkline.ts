// A check's numbers drawn in a terminal line: the values before the deploy, a bar, the values
// after, on one scale, so a level that moved shows as a step. Unicode blocks on a terminal that
// takes them, plain ASCII otherwise. Pure.

import type { CheckSeries } from './series.js';

export type Glyphs = 'unicode' | 'ascii';

const LEVELS: Readonly<Record<Glyphs, string>> = { unicode: '▁▂▃▄▅▆▇█', ascii: '_.-=+*#@' };
const OUTCOME: Readonly<Record<Glyphs, readonly [string, string]>> = { unicode: ['✓', '✗'], ascii: ['.', 'X'] };
const DIVIDER: Readonly<Record<Glyphs, string>> = { unicode: '┃', ascii: '|' };

/** One glyph per value, scaled between the smallest and the largest of both sides. */
export function sparkline(values: readonly number[], lo: number, hi: number, glyphs: Glyphs): string {
  const levels = LEVELS[glyphs];
  const top = levels.length - 1;
  return values
    .map((v) => {
      const at = hi > lo ? Math.round(((v - lo) / (hi - lo)) * top) : Math.floor(top / 2);
      return levels[Math.min(top, Math.max(0, at))]!;
    })
    .join('');
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (abs >= 100 || Number.isInteger(n)) return String(Math.round(n));
  return n.toFixed(abs >= 10 ? 1 : 2);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `before ┃ after` with the medians of each side, or null when there is nothing to draw. */
export function drawSeries(s: CheckSeries, glyphs: Glyphs): string | null {
  if (s.before.length === 0 && s.after.length === 0) return null;
  const bar = DIVIDER[glyphs];
  if (s.kind === 'outcome') {
    const [ok, bad] = OUTCOME[glyphs];
    const draw = (v: readonly number[]) => v.map((x) => (x ? bad : ok)).join('');
    const failed = (v: readonly number[]) => v.filter((x) => x).length;
    return `${draw(s.before) || '(none)'} ${bar} ${draw(s.after) || '(none yet)'}   ${s.unit}: ${failed(s.before)} of the newest ${s.before.length} before, ${failed(s.after)} of ${s.after.length} after`;
  }
  const all = [...s.before, ...s.after];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const side = (v: readonly number[], none: string) => (v.length ? sparkline(v, lo, hi, glyphs) : none);
  const m = (v: readonly number[]) => {
    const x = median(v);
    return x === null ? '-' : formatNumber(x);
  };
  return `${side(s.before, '(none)')} ${bar} ${side(s.after, '(none yet)')}   ${s.unit}: median ${m(s.before)} over ${s.before.length} ${s.beforeFrom === 'same slot' ? 'same-slot' : 'newest'} before, ${m(s.after)} after (${s.after.length}); scale ${formatNumber(lo)}..${formatNumber(hi)}`;
}

/**
 * Two bars on one scale, for a check whose evidence is a single number against a baseline
 * (an expectation pass rate, a backlog): the baseline's centre and what was observed.
 */
export function drawBars(baseline: number, observed: number, glyphs: Glyphs, width = 20): string {
  const full = glyphs === 'unicode' ? '█' : '#';
  const hi = Math.max(Math.abs(baseline), Math.abs(observed));
  const len = (v: number) => (hi > 0 ? Math.max(v === 0 ? 0 : 1, Math.round((Math.abs(v) / hi) * width)) : 0);
  return `baseline ${full.repeat(len(baseline)).padEnd(width)} ${formatNumber(baseline)}\nobserved ${full.repeat(len(observed)).padEnd(width)} ${formatNumber(observed)}`;
}
