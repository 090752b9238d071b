// Rollback policy: the `rollback` section of the policy file, validated with zod. Every field is
// optional in the file; resolveRollbackPolicy fills in the defaults.

import { z } from 'zod';
import { parseOrThrow } from '../zod-issues.js';
import type { StrategyChoice, StrategyName } from './types.js';

const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be greater than 0` });
const whole = (what: string, min: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` });
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: 'name an environment variable, e.g. GITHUB_TOKEN (the secret itself never goes in the policy file)',
});

const GithubDispatchSchema = z
  .object({
    kind: z.literal('github'),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { error: "repository must be 'owner/name'" }),
    workflow: z.string().min(1, { error: "workflow must name the workflow file or id, e.g. 'deploy.yml'" }),
    ref: z.string().min(1).default('main'),
    apiUrl: z.url({ error: 'apiUrl must be a URL such as https://api.github.com' }).default('https://api.github.com'),
    tokenEnv: envName.default('GITHUB_TOKEN'),
  })
  .strict();

const WebhookDispatchSchema = z
  .object({
    kind: z.literal('webhook'),
    url: z.url({ error: 'url must be the https URL of the deploy webhook' }),
    secretEnv: envName.default('POSTFLIGHT_WEBHOOK_SECRET'),
  })
  .strict();

export const CiDispatchSchema = z.discriminatedUnion('kind', [GithubDispatchSchema, WebhookDispatchSchema], {
  error: "ciDispatch.kind must be 'github' or 'webhook'",
});

const StrategySchema = z.enum(['auto', 'jobs-api', 'ci-dispatch'], {
  error:
    "strategy must be 'jobs-api' or 'ci-dispatch', or 'auto' (the default: ci-dispatch where code files changed, else jobs-api)",
});

const BundleOverrideSchema = z
  .object({
    strategy: StrategySchema.optional(),
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
  })
  .strict();

/** The `rollback` key of the policy file. */
export const RollbackPolicySchema = z
  .object({
    /** Decide and record every rollback, execute none (shadow mode). */
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
    /** `auto`: ci-dispatch where the bundle's code files changed and run from unversioned paths, else jobs-api. */
    strategy: StrategySchema.optional(),
    /** At most `count` automatic rollbacks per bundle and target within `windowHours`. */
    cap: z
      .object({ count: whole('cap.count', 1), windowHours: positive('cap.windowHours') })
      .strict()
      .optional(),
    /** A bundle's next rollback waits this long after its previous one was requested. */
    coolDownMinutes: z.number().min(0, { error: 'coolDownMinutes must be 0 or more' }).optional(),
    /** Executions (including resumed ones) before a rollback is given up and paged. */
    maxAttempts: whole('maxAttempts', 1).optional(),
    /** How long a tick holds a rollback it executes; shorter than the tick interval so the next tick can resume a crashed one. */
    leaseSeconds: whole('leaseSeconds', 1).max(300, { error: 'leaseSeconds must be at most 300' }).optional(),
    /** How far back a failed deployment is still rolled back, and how far back a target is looked for. */
    candidateHours: positive('candidateHours').optional(),
    targetLookbackDays: positive('targetLookbackDays').optional(),
    /** ci-dispatch: how long to wait for CI to redeploy before paging. */
    dispatchTimeoutMinutes: positive('dispatchTimeoutMinutes').optional(),
    ciDispatch: CiDispatchSchema.optional(),
    /** Per-bundle overrides: strategy and dry-run. */
    bundles: z.record(z.string().min(1), BundleOverrideSchema).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const wantsCi =
      p.strategy === 'ci-dispatch' || Object.values(p.bundles ?? {}).some((b) => b.strategy === 'ci-dispatch');
    if (wantsCi && !p.ciDispatch) {
      ctx.addIssue({
        code: 'custom',
        path: ['ciDispatch'],
        message:
          "strategy 'ci-dispatch' needs a ciDispatch section ({ kind: 'github', repository, workflow } or { kind: 'webhook', url })",
      });
    }
  });

export type RollbackPolicyInput = z.input<typeof RollbackPolicySchema>;
export type CiDispatchConfig = z.output<typeof CiDispatchSchema>;

export interface RollbackPolicy {
  readonly dryRun: boolean;
  readonly strategy: StrategyChoice;
  readonly cap: { readonly count: number; readonly windowHours: number };
  readonly coolDownMinutes: number;
  readonly maxAttempts: number;
  readonly leaseSeconds: number;
  readonly candidateHours: number;
  readonly targetLookbackDays: number;
  readonly dispatchTimeoutMinutes: number;
  readonly ciDispatch: CiDispatchConfig | null;
  readonly bundles: Readonly<Record<string, { readonly strategy?: StrategyChoice; readonly dryRun?: boolean }>>;
}

export const DEFAULT_ROLLBACK_POLICY: RollbackPolicy = {
  dryRun: false,
  strategy: 'auto',
  cap: { count: 2, windowHours: 24 },
  coolDownMinutes: 30,
  maxAttempts: 3,
  // A tick runs every minute and never overlaps the next (max_concurrent_runs: 1).
  leaseSeconds: 45,
  candidateHours: 24,
  targetLookbackDays: 30,
  dispatchTimeoutMinutes: 45,
  ciDispatch: null,
  bundles: {},
};

/** Validates the `rollback` section of a policy file (undefined = all defaults). */
export function resolveRollbackPolicy(input: unknown): RollbackPolicy {
  if (input === undefined) return DEFAULT_ROLLBACK_POLICY;
  const p = parseOrThrow(RollbackPolicySchema, input, 'rollback');
  const d = DEFAULT_ROLLBACK_POLICY;
  return {
    dryRun: p.dryRun ?? d.dryRun,
    strategy: p.strategy ?? d.strategy,
    cap: p.cap ?? d.cap,
    coolDownMinutes: p.coolDownMinutes ?? d.coolDownMinutes,
    maxAttempts: p.maxAttempts ?? d.maxAttempts,
    leaseSeconds: p.leaseSeconds ?? d.leaseSeconds,
    candidateHours: p.candidateHours ?? d.candidateHours,
    targetLookbackDays: p.targetLookbackDays ?? d.targetLookbackDays,
    dispatchTimeoutMinutes: p.dispatchTimeoutMinutes ?? d.dispatchTimeoutMinutes,
    ciDispatch: p.ciDispatch ?? null,
    bundles: p.bundles ?? {},
  };
}

export function strategyFor(policy: RollbackPolicy, bundle: string): StrategyChoice {
  return policy.bundles[bundle]?.strategy ?? policy.strategy;
}

/**
 * The strategy a pre-deploy check should expect a later rollback of the bundle to use. Before the
 * deploy nobody knows yet whether a rollback will have code to bring back, so `auto` is taken at
 * its most demanding: CI redeploys where a dispatch is configured, a settings reset where not.
 */
export function expectedStrategy(policy: RollbackPolicy, bundle: string): StrategyName {
  const choice = strategyFor(policy, bundle);
  if (choice !== 'auto') return choice;
  return policy.ciDispatch ? 'ci-dispatch' : 'jobs-api';
}

/** A bundle's own dry-run setting wins over the global one, either way. */
export function isDryRun(policy: RollbackPolicy, bundle: string): boolean {
  return policy.bundles[bundle]?.dryRun ?? policy.dryRun;
}
