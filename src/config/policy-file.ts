// The policy file: JSON, validated strictly, resolved into one Policy per bundle. Layers apply
// in order: built-in defaults, the file's top level, then the bundle's override. Expected-change
// annotations name the checks a deployment is meant to move, so those checks cannot roll it back.

import { DEFAULT_POLICY, type Policy } from '../checks/policy.js';
import { ConfigError } from '../errors.js';
import type { CheckName, Deployment } from '../types.js';
import { applyMonitorsLayer } from './monitors-schema.js';
import { describeIssues, jsonPath } from './policy-errors.js';
import { CHECK_NAMES, type ExpectedChangeEntry, type PolicyLayer, policyFileSchema } from './policy-schema.js';
import { scanPolicyJson } from './policy-text.js';

export interface PolicySet {
  /** Where the policy came from (a file path), for messages. */
  readonly source: string;
  /** The policy for a deployment of `bundle`: file defaults plus the bundle's override, if any. */
  forBundle(bundle: string): Policy;
  /**
   * Checks the deployment is expected to change: its own annotation (recorded by CI) together
   * with every entry of the file that names it by id, or by bundle and version (and target).
   */
  expectedChanges(
    deployment: Pick<Deployment, 'deploymentId' | 'bundle' | 'target' | 'version' | 'expectedChanges'>,
  ): CheckName[];
  /** Sections owned by other modules, passed through unparsed. */
  readonly slos: unknown;
  readonly rollback: unknown;
  readonly precheck: unknown;
  readonly costBudgets: unknown;
}

/** A check's thresholds without its critical/dry-run switches, which live in their own maps. */
function thresholds<T extends { critical?: boolean; dryRun?: boolean }>(
  checkLayer: T | undefined,
): Omit<T, 'critical' | 'dryRun'> | undefined {
  if (!checkLayer) return undefined;
  const { critical: _critical, dryRun: _dryRun, ...rest } = checkLayer;
  return rest;
}

/** The per-table volume gates a layer sets. */
function tableMateriality(layer: PolicyLayer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, t] of Object.entries(layer.checks?.row_count?.tables ?? {}))
    if (t.materiality !== undefined) out[table] = t.materiality;
  return out;
}

function applyLayer(p: Policy, layer: PolicyLayer): Policy {
  const { kMax, ...stats } = layer.statistics ?? {};
  const critical = { ...p.critical };
  const dryRun = { ...p.dryRun };
  if (layer.dryRun !== undefined) for (const c of CHECK_NAMES) dryRun[c] = layer.dryRun;
  for (const c of CHECK_NAMES) {
    const toggles = layer.checks?.[c];
    if (toggles?.critical !== undefined) critical[c] = toggles.critical;
    if (toggles?.dryRun !== undefined) dryRun[c] = toggles.dryRun;
  }
  return {
    ...p,
    ...stats,
    kMax: { ...p.kMax, ...kMax },
    window: { ...p.window, ...layer.window },
    critical,
    dryRun,
    slaSeconds: { ...p.slaSeconds, ...layer.sla?.byId },
    slaSecondsByKey: { ...p.slaSecondsByKey, ...layer.sla?.byResourceKey },
    slaSecondsDefault: layer.sla?.default ?? p.slaSecondsDefault,
    slaFromSettings: layer.sla?.fromSettings ?? p.slaFromSettings,
    controlHoldMinutes: layer.checks?.row_count?.controlHoldMinutes ?? p.controlHoldMinutes,
    materiality: layer.checks?.row_count?.materiality ?? p.materiality,
    materialityByTable: { ...p.materialityByTable, ...tableMateriality(layer) },
    duration: { ...p.duration, ...thresholds(layer.checks?.duration) },
    expectations: { ...p.expectations, ...thresholds(layer.checks?.expectations) },
    backlog: { ...p.backlog, ...thresholds(layer.checks?.backlog) },
    monitors: applyMonitorsLayer(p.monitors, layer.checks?.monitors),
    cost: { ...p.cost, ...thresholds(layer.checks?.cost) },
  };
}

/** Settings that are each valid alone but contradict each other once the layers are merged. */
function contradictions(p: Policy, at: string): string[] {
  const out: string[] = [];
  const where = (field: string) => `${at}${at ? '.' : ''}${field}`;
  if (p.minBaselineForRollback < p.minBaseline) {
    out.push(
      `${where('statistics.minBaselineForRollback')}: ${p.minBaselineForRollback} is below statistics.minBaseline (${p.minBaseline}); a baseline too small to judge cannot be large enough to roll back, raise it to at least ${p.minBaseline}`,
    );
  }
  if (p.expectations.failP > p.expectations.suspectP) {
    out.push(
      `${where('checks.expectations.failP')}: ${p.expectations.failP} is above suspectP (${p.expectations.suspectP}); a failure must be at least as unlikely as a suspicion, lower it`,
    );
  }
  if (p.expectations.failRatio < p.expectations.suspectRatio) {
    out.push(
      `${where('checks.expectations.failRatio')}: ${p.expectations.failRatio} is below suspectRatio (${p.expectations.suspectRatio}); raise it`,
    );
  }
  if (p.backlog.failRatio < p.backlog.warnRatio || p.backlog.failZ < p.backlog.warnZ) {
    out.push(
      `${where('checks.backlog')}: failRatio/failZ (${p.backlog.failRatio}/${p.backlog.failZ}) must not be below warnRatio/warnZ (${p.backlog.warnRatio}/${p.backlog.warnZ}); raise the fail levels`,
    );
  }
  if (p.cost.failRatio < p.cost.warnRatio) {
    out.push(
      `${where('checks.cost.failRatio')}: ${p.cost.failRatio} is below warnRatio (${p.cost.warnRatio}); a rise that fails must be at least one that warns, raise it`,
    );
  }
  return out;
}

function matches(
  e: ExpectedChangeEntry,
  d: Pick<Deployment, 'deploymentId' | 'bundle' | 'target' | 'version'>,
): boolean {
  if (e.deploymentId !== undefined) return e.deploymentId === d.deploymentId;
  return e.bundle === d.bundle && e.version === d.version && (e.target === undefined || e.target === d.target);
}

/** Problems listed at most; the rest are counted, so a hostile file cannot flood a terminal or a log. */
const MAX_LINES = 40;

function fail(source: string, lines: readonly string[]): never {
  const shown = lines.slice(0, MAX_LINES).map((l) => `  - ${l}`);
  if (lines.length > MAX_LINES) shown.push(`  ... and ${lines.length - MAX_LINES} more problems`);
  throw new ConfigError(`invalid policy file ${source}:\n${shown.join('\n')}`);
}

/** Parses and validates a policy file. Throws an Error listing every bad field by its JSON path. */
export function parsePolicyFile(text: string, source: string): PolicySet {
  if (text.startsWith('\uFEFF'))
    fail(source, [`${jsonPath([])}: the file starts with a byte-order mark; save it as UTF-8 without a BOM`]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(source, [
      `${jsonPath([])}: not valid JSON (${(e as Error).message}); fix the syntax, often a trailing comma or a missing quote`,
    ]);
  }
  // Every problem at once: the file's own (duplicate keys and the like), then the schema's.
  const scanned = scanPolicyJson(text);
  if (scanned.tooDeep) fail(source, scanned.problems);
  const parsed = policyFileSchema.safeParse(json, { reportInput: true });
  const problems = [
    ...scanned.problems,
    ...(parsed.success ? [] : describeIssues(parsed.error.issues, policyFileSchema)),
  ];
  if (!parsed.success || problems.length) fail(source, problems);
  const file = parsed.data;
  const base = applyLayer(DEFAULT_POLICY, file);
  const bundles = new Map(Object.entries(file.bundles ?? {}).map(([name, layer]) => [name, applyLayer(base, layer)]));
  const contradicting = [
    ...contradictions(base, ''),
    ...[...bundles].flatMap(([name, p]) => contradictions(p, jsonPath(['bundles', name]))),
  ];
  if (contradicting.length) fail(source, contradicting);
  const annotations = file.expectedChanges ?? [];
  return {
    source,
    forBundle: (bundle) => bundles.get(bundle) ?? base,
    expectedChanges: (d) => {
      const named = new Set<CheckName>(d.expectedChanges);
      for (const e of annotations) if (matches(e, d)) for (const c of e.checks) named.add(c);
      return CHECK_NAMES.filter((c) => named.has(c));
    },
    slos: file.slos,
    rollback: file.rollback,
    precheck: file.precheck,
    costBudgets: file.costBudgets,
  };
}
