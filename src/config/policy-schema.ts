// The policy file's shape. Every object is strict: a misspelt key is an error, never a setting
// silently ignored. Every field is optional; what a file leaves out keeps its default.

import { z } from 'zod';
import type { CheckName } from '../types.js';
import { monitorsSchema } from './monitors-schema.js';

export const CHECK_NAMES = [
  'run_health',
  'row_count',
  'freshness',
  'duration',
  'expectations',
  'backlog',
  'monitors',
  'config',
  'cost',
] as const satisfies readonly CheckName[];

const probability = z.number().gt(0).lt(1);
const count = (min: number) => z.number().int().min(min);
const positive = z.number().positive();
const ratio = z.number().gt(1);

const statistics = z
  .strictObject({
    alpha: probability,
    beta: probability,
    warnAlpha: probability,
    deltaRel: probability,
    warnRel: probability,
    minBaseline: count(2),
    minBaselineForRollback: count(2),
    baselineDays: count(1),
    kMax: z.strictObject({ daily: count(1), hourly: count(1), other: count(1) }).partial(),
  })
  .partial();

const window = z.strictObject({ maxHours: positive, minRunsHealthy: count(1) }).partial();

const toggles = { critical: z.boolean(), dryRun: z.boolean() };

const checks = z
  .strictObject({
    run_health: z.strictObject(toggles).partial(),
    row_count: z
      .strictObject({
        ...toggles,
        controlHoldMinutes: positive,
        /** The volume fail gate: the pooled post-deploy ratio must be beyond ±materiality. */
        materiality: probability,
        /** Per table (catalog.schema.table): settings over the bundle's. */
        tables: z.record(z.string().min(1), z.strictObject({ materiality: probability }).partial()),
      })
      .partial(),
    freshness: z.strictObject(toggles).partial(),
    config: z.strictObject(toggles).partial(),
    duration: z.strictObject({ ...toggles, mwMinPost: count(3), mwAlpha: probability }).partial(),
    expectations: z
      .strictObject({
        ...toggles,
        minBaselineRuns: count(2),
        fisherBelowFailures: count(0),
        suspectP: probability,
        suspectRatio: z.number().min(1),
        failP: probability,
        failRatio: z.number().min(1),
        failAbsIncrease: z.number().min(0).lt(1),
        consecutiveSuspects: count(1),
        newFailurePassRate: z.number().gt(0).max(1),
        newFailureMinRuns: count(1),
      })
      .partial(),
    backlog: z
      .strictObject({
        ...toggles,
        minBaselineSamples: count(2),
        minPostSamples: count(1),
        warnRatio: ratio,
        failRatio: ratio,
        warnZ: positive,
        failZ: positive,
        minSeconds: z.number().min(0),
        minRecords: z.number().min(0),
      })
      .partial(),
    monitors: monitorsSchema,
    /** DBUs per run against the same slot before the deploy: the rise that warns and the one that fails. */
    cost: z.strictObject({ ...toggles, warnRatio: ratio, failRatio: ratio }).partial(),
  })
  .partial();

const sla = z
  .strictObject({
    /** Job or pipeline id -> seconds. */
    byId: z.record(z.string().min(1), positive),
    /** Bundle resource key (resources.jobs.<key>) -> seconds. */
    byResourceKey: z.record(z.string().min(1), positive),
    /** Every job and pipeline without a more specific SLA. */
    default: positive,
    /** false: a job's own timeout_seconds and RUN_DURATION_SECONDS health rules are not hard SLAs. */
    fromSettings: z.boolean(),
  })
  .partial();

/** What the file's top level and each bundle override may set. */
const layer = {
  /** Shadow mode for every check of the layer; a check's own dryRun wins. */
  dryRun: z.boolean(),
  statistics,
  window,
  checks,
  sla,
};

export const layerSchema = z.strictObject(layer).partial();

const expectedChange = z
  .strictObject({
    deploymentId: z.string().min(1),
    bundle: z.string().min(1),
    version: z.string().min(1),
    target: z.string().min(1),
    checks: z.array(z.enum(CHECK_NAMES)).min(1),
    reason: z.string().min(1),
  })
  .partial({ deploymentId: true, bundle: true, version: true, target: true })
  .refine((v) => v.deploymentId !== undefined || (v.bundle !== undefined && v.version !== undefined), {
    message: 'names no deployment; give "deploymentId", or "bundle" and "version" (optionally "target")',
    // Also when other fields of the entry are wrong, so one run of the parser reports everything.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
  });

export const policyFileSchema = z
  .strictObject({
    version: z.literal(1),
    description: z.string(),
    ...layer,
    bundles: z.record(z.string().min(1), layerSchema),
    expectedChanges: z.array(expectedChange),
    // Owned by other modules, which validate them; accepted here as they are.
    slos: z.unknown(),
    rollback: z.unknown(),
    precheck: z.unknown(),
    costBudgets: z.unknown(),
  })
  .partial();

export type PolicyLayer = z.infer<typeof layerSchema>;
export type PolicyFile = z.infer<typeof policyFileSchema>;
export type ExpectedChangeEntry = z.infer<typeof expectedChange>;
