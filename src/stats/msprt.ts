export interface MsprtState {
  readonly looks: number;
  readonly sum: number;
  /** log Λ_n of the latest look. */
  readonly logLambda: number;
  /** Λ_n of the latest look (may overflow to Infinity; logLambda does not). */
  readonly lambda: number;
  /** min(1, min_k 1/Λ_k): valid however many looks are taken. */
  readonly pValue: number;
}

export const MSPRT_START: MsprtState = { looks: 0, sum: 0, logLambda: 0, lambda: 1, pValue: 1 };

export interface MsprtParams {
  /** Residual σ, already inflated for the baseline mean. */
  readonly sigma: number;
  /** Mixing scale: roughly the smallest shift worth detecting. */
  readonly tau: number;
}

/**
 * log Λ_n of the normal-mixture SPRT: ½·log(σ²/(σ² + nτ²)) + n²τ²x̄²/(2σ²(σ² + nτ²)).
 * Kept in logs so overwhelming evidence does not overflow.
 */
export function msprtLogLambda(n: number, mean: number, params: MsprtParams): number {
  const s2 = params.sigma * params.sigma;
  const t2 = params.tau * params.tau;
  const spread = s2 + n * t2;
  return 0.5 * Math.log(s2 / spread) + (n * n * t2 * mean * mean) / (2 * s2 * spread);
}

/** Folds one residual into the mixture SPRT; reject H0 at level α once pValue ≤ α. */
export function msprtStep(state: MsprtState, residual: number, params: MsprtParams): MsprtState {
  const looks = state.looks + 1;
  const sum = state.sum + residual;
  const logLambda = msprtLogLambda(looks, sum / looks, params);
  return {
    looks,
    sum,
    logLambda,
    lambda: Math.exp(logLambda),
    pValue: Math.min(state.pValue, 1, Math.exp(-logLambda)),
  };
}
