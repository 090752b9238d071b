// SLO policy: the `slos` section of the policy file, validated with zod. Defaults apply to every
// pipeline; overrides match by tag, bundle or pipeline, the more specific winning
// (pipeline over bundle over tag), and later entries over earlier ones at the same level.

import { z } from 'zod';
import { parseOrThrow } from '../zod-issues.js';

const ratio = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .gt(0, { error: `${what} must be a ratio above 0, e.g. 0.99` })
    .lt(1, { error: `${what} must be a ratio below 1, e.g. 0.99 (1 leaves no error budget)` });
const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be greater than 0` });

/** Which page rules roll back, per SLO: the fast burn and run counts do by default, the slow burn does not. */
export interface RollbackOnBurn {
  readonly fast: boolean;
  readonly slow: boolean;
  readonly sparse: boolean;
}

export const DEFAULT_ROLLBACK_ON_BURN: RollbackOnBurn = { fast: true, slow: false, sparse: true };

const bool = (what: string) => z.boolean({ error: `${what} must be true or false` });
/** true or false for every page rule, or per rule: { fast, slow, sparse }. */
const rollbackOnBurn = (slo: string) =>
  z
    .union([
      bool(`${slo}.rollbackOnBurn`),
      z
        .object({
          fast: bool(`${slo}.rollbackOnBurn.fast`),
          slow: bool(`${slo}.rollbackOnBurn.slow`),
          sparse: bool(`${slo}.rollbackOnBurn.sparse`),
        })
        .strict()
        .partial(),
    ])
    .optional();

const SloSpecSchema = z
  .object({
    /** Share of runs that succeed. */
    runSuccess: z
      .object({ target: ratio('runSuccess.target'), rollbackOnBurn: rollbackOnBurn('runSuccess') })
      .strict()
      .partial()
      .optional(),
    /** Share of minutes in which every target table is fresher than maxAgeMinutes. */
    freshness: z
      .object({
        target: ratio('freshness.target'),
        /** The freshness SLA; without it, cadenceMultiple times the table's usual gap between writes. */
        maxAgeMinutes: positive('freshness.maxAgeMinutes'),
        cadenceMultiple: positive('freshness.cadenceMultiple'),
        rollbackOnBurn: rollbackOnBurn('freshness'),
      })
      .strict()
      .partial()
      .optional(),
    /** Share of expectation (DLT) and test (dbt) evaluations that pass. */
    expectations: z
      .object({ target: ratio('expectations.target'), rollbackOnBurn: rollbackOnBurn('expectations') })
      .strict()
      .partial()
      .optional(),
  })
  .strict();

const MatchSchema = z
  .object({
    bundle: z.string().min(1).optional(),
    /** key=value of a job or pipeline tag. */
    tag: z
      .string()
      .regex(/^[^=\s]+=.*$/, { error: "tag must be 'key=value', e.g. 'tier=gold'" })
      .optional(),
    /** Job or pipeline id, or its name in the bundle. */
    pipeline: z.string().min(1).optional(),
  })
  .strict()
  .refine((m) => Object.keys(m).length === 1, { error: 'match must name exactly one of bundle, tag or pipeline' });

/** The `slos` key of the policy file. */
export const SloPolicySchema = z
  .object({
    /** The SLO period the budget is counted over. */
    periodDays: positive('periodDays').max(90, { error: 'periodDays must be at most 90' }).optional(),
    defaults: SloSpecSchema.optional(),
    overrides: z.array(SloSpecSchema.extend({ match: MatchSchema })).optional(),
    /** Below this many events an hour, events are sparse: run-count rules instead of burn-rate pages. */
    sparseBelowPerHour: positive('sparseBelowPerHour').optional(),
  })
  .strict();

export type SloName = 'run_success' | 'freshness' | 'expectations';

export interface SubjectSlos {
  readonly runSuccess: { readonly target: number; readonly rollbackOnBurn: RollbackOnBurn };
  readonly freshness: {
    readonly target: number;
    readonly maxAgeMinutes: number | null;
    readonly cadenceMultiple: number;
    readonly rollbackOnBurn: RollbackOnBurn;
  };
  readonly expectations: { readonly target: number; readonly rollbackOnBurn: RollbackOnBurn };
}

export interface SloPolicy {
  readonly periodDays: number;
  readonly sparseBelowPerHour: number;
  readonly defaults: SubjectSlos;
  readonly overrides: ReadonlyArray<
    { readonly match: { readonly bundle?: string; readonly tag?: string; readonly pipeline?: string } } & z.output<
      typeof SloSpecSchema
    >
  >;
}

export const DEFAULT_SLO_POLICY: SloPolicy = {
  periodDays: 28,
  sparseBelowPerHour: 12,
  defaults: {
    runSuccess: { target: 0.95, rollbackOnBurn: DEFAULT_ROLLBACK_ON_BURN },
    freshness: { target: 0.99, maxAgeMinutes: null, cadenceMultiple: 2, rollbackOnBurn: DEFAULT_ROLLBACK_ON_BURN },
    expectations: { target: 0.99, rollbackOnBurn: DEFAULT_ROLLBACK_ON_BURN },
  },
  overrides: [],
};

export function resolveSloPolicy(input: unknown): SloPolicy {
  if (input === undefined) return DEFAULT_SLO_POLICY;
  const p = parseOrThrow(SloPolicySchema, input, 'slos');
  const d = DEFAULT_SLO_POLICY;
  return {
    periodDays: p.periodDays ?? d.periodDays,
    sparseBelowPerHour: p.sparseBelowPerHour ?? d.sparseBelowPerHour,
    defaults: apply(d.defaults, p.defaults ?? {}),
    overrides: p.overrides ?? [],
  };
}

function apply(base: SubjectSlos, o: z.output<typeof SloSpecSchema>): SubjectSlos {
  return {
    runSuccess: { ...base.runSuccess, ...o.runSuccess, rollbackOnBurn: onBurn(base.runSuccess, o.runSuccess) },
    freshness: { ...base.freshness, ...o.freshness, rollbackOnBurn: onBurn(base.freshness, o.freshness) },
    expectations: {
      ...base.expectations,
      ...o.expectations,
      rollbackOnBurn: onBurn(base.expectations, o.expectations),
    },
  };
}

type OnBurnSetting = boolean | Partial<RollbackOnBurn> | undefined;

function onBurn(base: { rollbackOnBurn: RollbackOnBurn }, o: { rollbackOnBurn?: OnBurnSetting } | undefined) {
  const v = o?.rollbackOnBurn;
  if (v === undefined) return base.rollbackOnBurn;
  if (typeof v === 'boolean') return { fast: v, slow: v, sparse: v };
  return { ...base.rollbackOnBurn, ...v };
}

export interface SloSubject {
  readonly id: string;
  readonly name: string;
  readonly bundle: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The SLOs of one pipeline: defaults, then matching tag, bundle and pipeline overrides. */
export function slosFor(policy: SloPolicy, s: SloSubject): SubjectSlos {
  const level = (m: { bundle?: string; tag?: string; pipeline?: string }): number => {
    if (m.pipeline !== undefined) return m.pipeline === s.id || m.pipeline === s.name ? 3 : 0;
    if (m.bundle !== undefined) return m.bundle === s.bundle ? 2 : 0;
    const [k, ...v] = (m.tag ?? '').split('=');
    return s.tags[k!] === v.join('=') ? 1 : 0;
  };
  return policy.overrides
    .map((o, i) => ({ o, i, l: level(o.match) }))
    .filter((x) => x.l > 0)
    .sort((a, b) => a.l - b.l || a.i - b.i)
    .reduce((acc, { o }) => apply(acc, o), policy.defaults);
}
