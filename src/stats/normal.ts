const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Below this point the Taylor series for Φ(z) − 1/2 loses at most ~1e-14 relative
// to cancellation; above it the Laplace continued fraction converges in < 120 terms.
const SERIES_LIMIT = 2.5;
const CONTINUED_FRACTION_TERMS = 120;

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LN_SQRT_2PI);
}

/**
 * Upper tail P[Z > z]. The tail is evaluated directly, never as 1 − cdf, so it keeps
 * full relative precision out to where exp(−z²/2) underflows (z ≈ 38).
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalSf(-z);
  if (z < SERIES_LIMIT) return 0.5 - normalPdf(z) * centralSeries(z);
  if (z > 40) return 0;
  return normalPdf(z) / millsDenominator(z);
}

export function normalCdf(z: number): number {
  return normalSf(-z);
}

/** Φ(z) − 1/2 = φ(z)·Σ z^(2k+1)/(2k+1)!!, a series of positive terms. */
function centralSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let k = 1; k < 500; k++) {
    term *= z2 / (2 * k + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return sum;
}

/** z + 1/(z + 2/(z + 3/(z + …))), so that P[Z > z] = φ(z) / this. */
function millsDenominator(z: number): number {
  let t = z;
  for (let k = CONTINUED_FRACTION_TERMS; k > 0; k--) t = z + k / t;
  return t;
}

// Acklam's rational approximation (relative error < 1.15e-9 before refinement).
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/** Quantile of the standard normal: Acklam's approximation plus one Halley step. */
export function normalPpf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // 1 − p is exact for p ≥ 1/2, so the upper half is solved as a lower tail with
  // full relative precision instead of refining against a rounded 1 − Φ.
  return p > 0.5 ? -lowerPpf(1 - p) : lowerPpf(p);
}

function lowerPpf(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // Halley: cubic convergence turns 1e-9 into machine precision in one step.
  const e = normalSf(-x) - p;
  const u = e / normalPdf(x);
  return x - u / (1 + 0.5 * x * u);
}
