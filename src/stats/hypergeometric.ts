import { type DiscreteDistribution, lowerTail, upperTail } from './discrete-tail.js';
import { logChoose } from './log-choose.js';

/**
 * Number of marked items in `draws` drawn without replacement from a population of
 * `population` items of which `marked` are marked.
 */
export function hypergeometricDistribution(population: number, marked: number, draws: number): DiscreteDistribution {
  for (const [name, v] of [
    ['population', population],
    ['marked', marked],
    ['draws', draws],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (marked > population || draws > population) {
    throw new RangeError(`marked (${marked}) and draws (${draws}) cannot exceed population (${population})`);
  }
  const unmarked = population - marked;
  return {
    lo: Math.max(0, draws - unmarked),
    hi: Math.min(marked, draws),
    logConcave: true,
    logPmf: (k) => logChoose(marked, k) + logChoose(unmarked, draws - k) - logChoose(population, draws),
    logRatio: (k) => Math.log(((marked - k) * (draws - k)) / ((k + 1) * (unmarked - draws + k + 1))),
  };
}

export function hypergeometricUpperTail(k: number, population: number, marked: number, draws: number): number {
  return upperTail(hypergeometricDistribution(population, marked, draws), k);
}

export function hypergeometricLowerTail(k: number, population: number, marked: number, draws: number): number {
  return lowerTail(hypergeometricDistribution(population, marked, draws), k);
}
