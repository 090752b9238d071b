export {
  type BetaBinomialFit,
  betaBinomialDistribution,
  betaBinomialPredictiveP,
  betaBinomialUpperTail,
  fitBetaBinomial,
  MIN_BETWEEN_VARIANCE,
} from './beta-binomial.js';
export { binomialDistribution, binomialLowerTail, binomialUpperTail } from './binomial.js';
export { type BrentOptions, brentRoot } from './brent.js';
export { chiSquaredSf, regularizedGammaQ } from './chi-squared.js';
export {
  type ConfidenceInterval,
  clopperPearsonInterval,
  clopperPearsonLower,
  clopperPearsonUpper,
} from './clopper-pearson.js';
export {
  type DiscreteDistribution,
  logAddExp,
  lowerTail,
  type RelativeMass,
  relativeMass,
  upperTail,
} from './discrete-tail.js';
export {
  hodgesLehmann,
  hodgesLehmannAsymptoticCi,
  hodgesLehmannCi,
  hodgesLehmannExactCi,
  pairwiseDifferences,
  type ShiftInterval,
} from './hodges-lehmann.js';
export { hypergeometricDistribution, hypergeometricLowerTail, hypergeometricUpperTail } from './hypergeometric.js';
export { betaQuantile, incompleteBeta, incompleteBetaWithComplement, lnBeta } from './incomplete-beta.js';
export { kOfNFalseRollback } from './k-of-n.js';
export { kayentaShift, type ShiftEstimate } from './kayenta-shift.js';
export { logChoose } from './log-choose.js';
export {
  type Alternative,
  type MannWhitneyOptions,
  type MannWhitneyResult,
  type MannWhitneyStatistics,
  type MinAttainableP,
  mannWhitneyStatistics,
  mannWhitneyTest,
  minAttainableP,
} from './mann-whitney.js';
export { MSPRT_START, type MsprtParams, type MsprtState, msprtLogLambda, msprtStep } from './msprt.js';
export { normalCdf, normalPdf, normalPpf, normalSf } from './normal.js';
export {
  type BaselineRuns,
  type Overdispersion,
  overdispersion,
  type QuasiBinomialResult,
  quasiBinomialZ,
} from './overdispersion.js';
export { predictionScore, predictionSigma, predictionThreshold, sampleZ, shifflerBound } from './prediction.js';
export {
  binomialTestGreater,
  type ChiSquaredResult,
  chiSquared2x2,
  type FailureCounts,
  type FisherAlternative,
  type FisherResult,
  fisherExact,
  type PooledZResult,
  pooledTwoProportionZ,
  waldTwoProportionZ,
} from './proportions.js';
export { type Ranking, rank } from './ranks.js';
export {
  type CleanedBaseline,
  type CleanOptions,
  cleanBaseline,
  flooredScale,
  type IqrFences,
  iqrFences,
  MAD_SCALE,
  MIN_LOG_SCALE,
  MODIFIED_Z_CONSTANT,
  mad,
  madNormal,
  median,
  modifiedZ,
  robustZ,
} from './robust.js';
export {
  type BernoulliSprtParams,
  bernoulliSprtStep,
  DEFAULT_SPRT_ALPHA,
  DEFAULT_SPRT_BETA,
  type ErrorRates,
  type GaussianSprtParams,
  gaussianLlrIncrement,
  SPRT_START,
  type SprtBoundaries,
  type SprtDecision,
  type SprtState,
  sprtBoundaries,
  sprtStep,
} from './sprt.js';
export { tCdf, tPdf, tQuantile, tSf } from './student-t.js';
export { uCdf, uDistribution, uQuantile, uSf } from './wilcoxon-distribution.js';
