// A restore plan as written to a file for a person to approve: its id is a hash of its content,
// so apply can tell an edited plan from the one that was made.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../cli/args.js';
import { formatIssues } from '../zod-issues.js';
import type { RestorePlan } from './plan.js';

const TABLE = z.string().regex(/^[\p{L}\p{N}_$-]{1,255}(\.[\p{L}\p{N}_$-]{1,255}){0,2}$/u, 'catalog.schema.table');
const VERSION = z.number().int().min(0);

const planSchema = z.strictObject({
  deploymentId: z.string().min(1),
  bundle: z.string(),
  target: z.string(),
  version: z.string(),
  windowStartMs: z.number().int(),
  windowEndMs: z.number().int().nullable(),
  endReason: z.enum(['rolled back', 'superseded']).nullable(),
  restores: z.array(
    z.strictObject({
      table: TABLE,
      toVersion: VERSION,
      badVersions: z.array(VERSION).min(1),
      latestVersion: VERSION,
      statement: z.string(),
    }),
  ),
  unsafe: z.array(
    z.strictObject({
      table: z.string(),
      kind: z.enum(['restored', 'other_writers', 'rewritten', 'created', 'pipeline', 'no_history']),
      reason: z.string(),
      writers: z.array(z.strictObject({ writer: z.string(), commits: z.number().int(), rows: z.number().nullable() })),
    }),
  ),
  rerun: z.array(
    z.strictObject({
      table: z.string(),
      entityType: z.string(),
      entityId: z.string(),
      reads: z.number().int(),
      sources: z.array(z.string()),
    }),
  ),
});

const fileSchema = z.strictObject({
  format: z.literal('postflight.restore-plan/1'),
  plan_id: z.string().regex(/^rp-[0-9a-f]{20}$/, 'rp- and 20 hex digits'),
  planned_at_ms: z.number().int(),
  plan: planSchema,
});

export interface PlanFile {
  readonly format: 'postflight.restore-plan/1';
  readonly plan_id: string;
  readonly planned_at_ms: number;
  readonly plan: RestorePlan;
}

export function planId(plan: RestorePlan, plannedAtMs: number): string {
  const text = canonical({ planned_at_ms: plannedAtMs, plan });
  return `rp-${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
}

export function planFile(plan: RestorePlan, plannedAtMs: number): PlanFile {
  return { format: 'postflight.restore-plan/1', plan_id: planId(plan, plannedAtMs), planned_at_ms: plannedAtMs, plan };
}

/** Parses a plan file's text, or says which field is wrong; an edited plan no longer hashes to its id. */
export function readPlanFile(text: string, path: string): PlanFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      `--plan ${path} is not JSON (${(e as Error).message}); write it with 'postflight restore plan DEPLOYMENT --out FILE'`,
    );
  }
  const r = fileSchema.safeParse(json);
  if (!r.success)
    throw new ConfigError(`--plan ${path} is not a restore plan:\n${formatIssues('plan file', r.error.issues)}`);
  const f: PlanFile = r.data;
  const expected = planId(f.plan, f.planned_at_ms);
  if (expected !== f.plan_id)
    throw new ConfigError(
      `--plan ${path}: plan_id ${f.plan_id} does not match its content (${expected}): the plan was edited after it was made; make a new one with 'postflight restore plan'`,
    );
  for (const r of f.plan.restores)
    if (r.toVersion >= r.badVersions[0]! || r.latestVersion < r.badVersions[r.badVersions.length - 1]!)
      throw new ConfigError(
        `--plan ${path}: ${r.table}: toVersion must be below the bad versions and latestVersion at or above them`,
      );
  return f;
}

/** JSON with every object's keys sorted: the hash does not depend on the order a writer chose. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
