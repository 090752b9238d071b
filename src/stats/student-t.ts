import { gammaln } from 'simple-statistics';
import { incompleteBetaWithComplement } from './incomplete-beta.js';
import { normalPpf } from './normal.js';

export function tPdf(t: number, df: number): number {
  const logDensity =
    gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/** Upper tail P[T > t] for Student-t with df degrees of freedom. */
export function tSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t < 0) return 1 - tSf(-t, df);
  if (t === Number.POSITIVE_INFINITY) return 0;
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return 0.5 * incompleteBetaWithComplement(x, y, df / 2, 0.5);
}

export function tCdf(t: number, df: number): number {
  return tSf(-t, df);
}

/**
 * Quantile of Student-t. Solves log P[T > t] = log q on the tail side by Newton's
 * method in log space, which stays well-conditioned far into the tail, with a
 * bisection fallback whenever a step leaves the current bracket.
 */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // 1 − p is exact for p ≥ 1/2.
  const q = p > 0.5 ? 1 - p : p;
  const upper = upperQuantile(q, df);
  return p > 0.5 ? upper : -upper;
}

function upperQuantile(q: number, df: number): number {
  const logQ = Math.log(q);
  let lo = 0;
  let hi = Math.max(1, -normalPpf(q));
  while (tSf(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Number.POSITIVE_INFINITY;
  }
  let t = Math.min(Math.max(cornishFisherGuess(q, df), lo), hi);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  for (let i = 0; i < 200; i++) {
    const sf = tSf(t, df);
    if (sf > q) lo = t;
    else hi = t;
    // d/dt log sf = −pdf/sf
    const step = (Math.log(sf) - logQ) * (sf / tPdf(t, df));
    let next = t + step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/** Normal quantile with the first two Cornish-Fisher terms: a start value only. */
function cornishFisherGuess(q: number, df: number): number {
  const z = -normalPpf(q);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}
