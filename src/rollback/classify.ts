// What redeploying the target version would do, resource by resource, and whether that is safe
// to do without a human: deleting a pipeline (its Unity Catalog tables go with it) or a job,
// undoing a table schema change or resetting streaming state is not.

import type { ResourceRef } from '../types.js';
import type { CodeState } from './code-change.js';
import { diffPaths } from './settings-diff.js';
import type { ResourceChange, Safety, SchemaChange, SettingsSnapshot, StrategyName } from './types.js';

export interface Classification {
  readonly safety: Safety;
  readonly reasons: readonly string[];
  readonly changes: readonly ResourceChange[];
}

/** Pipeline fields whose change moves its tables or its streaming state. */
const PIPELINE_LOCATION_FIELDS = ['catalog', 'schema', 'target', 'storage'];
/** Settings fields that name the code a job or pipeline runs. */
const CODE_FIELDS = new Set([
  'notebook_path',
  'python_file',
  'whl',
  'jar',
  'egg',
  'requirements',
  'project_directory',
  'path',
  'include',
  'root_path',
]);

const refKey = (r: { type: string; id: string }) => `${r.type}:${r.id}`;

export function classifyRollback(input: {
  readonly toVersion: string;
  readonly failedResources: readonly ResourceRef[];
  readonly targetResources: readonly ResourceRef[];
  readonly failedSettings: readonly SettingsSnapshot[];
  readonly targetSettings: readonly SettingsSnapshot[];
  readonly schemaChanges: readonly SchemaChange[];
  readonly strategy: StrategyName;
  /** Whether the bundle's code files differ between the two versions (unknown counts as may). */
  readonly code?: CodeState;
}): Classification {
  const unsafe: string[] = [];
  const human: string[] = [];
  const changes: ResourceChange[] = [];
  const failedSnap = new Map(input.failedSettings.map((s) => [refKey(s), s]));
  const targetSnap = new Map(input.targetSettings.map((s) => [refKey(s), s]));
  const targetRefs = new Map(input.targetResources.map((r) => [refKey(r), r]));
  const failedRefs = new Map(input.failedResources.map((r) => [refKey(r), r]));
  const noun = (type: string) => (type === 'pipeline' ? 'pipeline' : 'job');

  for (const f of input.failedResources) {
    if (targetRefs.has(refKey(f))) continue;
    const successor = input.targetResources.find((t) => t.key === f.key && t.type === f.type);
    if (successor) {
      changes.push({ type: f.type, id: f.id, key: f.key, change: 'replaced', paths: [] });
      human.push(
        `${noun(f.type)} ${f.key} is ${f.id} now but ${successor.id} in the target version: it was recreated, and a reset cannot bring the old one back`,
      );
    } else {
      changes.push({ type: f.type, id: f.id, key: f.key, change: 'deleted', paths: [] });
      unsafe.push(
        f.type === 'pipeline'
          ? `redeploying ${input.toVersion.slice(0, 12)} would delete pipeline ${f.key} (${f.id}), and its Unity Catalog tables with it`
          : `redeploying ${input.toVersion.slice(0, 12)} would delete job ${f.key} (${f.id}) and its run history`,
      );
    }
  }
  for (const t of input.targetResources) {
    const k = refKey(t);
    if (!failedRefs.has(k)) {
      if (input.failedResources.some((f) => f.key === t.key && f.type === t.type)) continue;
      changes.push({ type: t.type, id: t.id, key: t.key, change: 'recreated', paths: [] });
      human.push(
        `the target version has ${noun(t.type)} ${t.key} (${t.id}) that the failed version removed; restoring it means creating it again`,
      );
      continue;
    }
    const before = failedSnap.get(k);
    const after = targetSnap.get(k);
    if (!after) {
      human.push(
        `no settings snapshot of ${noun(t.type)} ${t.key} (${t.id}) for the target version; nothing to restore it from`,
      );
      continue;
    }
    if (!before) {
      human.push(
        `no settings snapshot of ${noun(t.type)} ${t.key} (${t.id}) for the failed version; its live settings cannot be told from a change by hand`,
      );
      continue;
    }
    const paths = diffPaths(before.settings, after.settings);
    changes.push({ type: t.type, id: t.id, key: t.key, change: paths.length ? 'changed' : 'unchanged', paths });
    if (t.type === 'pipeline') {
      for (const field of PIPELINE_LOCATION_FIELDS.filter((f) => paths.includes(f))) {
        unsafe.push(
          `pipeline ${t.key}: rolling back changes ${field} from ${String(before.settings[field])} to ${String(after.settings[field])}, which moves its tables and streaming state`,
        );
      }
    }
    for (const p of paths.filter((x) => touchesCheckpoint(before.settings, after.settings, x))) {
      unsafe.push(
        `${noun(t.type)} ${t.key}: rolling back changes ${p}, a checkpoint location: streaming state would be reset`,
      );
    }
    for (const p of paths.filter((x) => /full_refresh$/.test(x) && valueAt(after.settings, x) === true)) {
      unsafe.push(`${noun(t.type)} ${t.key}: the target version sets ${p}, which resets streaming state`);
    }
    // Code that did not change needs no bringing back, wherever it runs from.
    if (input.strategy === 'jobs-api' && input.code !== 'unchanged') {
      const loose = unpinnedCode(after.settings, input.toVersion);
      if (loose.length) {
        human.push(
          `${noun(t.type)} ${t.key} runs code from ${loose[0]}, a path every version overwrites: a settings reset would not bring back the old code (pin artifact paths to the version, or configure rollback.ciDispatch so CI redeploys it)`,
        );
      }
    }
  }
  for (const c of input.schemaChanges) {
    unsafe.push(
      `table ${c.table} changed schema after the failed deploy (${c.operation} at ${new Date(c.atMs).toISOString()}); rolling back would run code written for the old schema against it, or undo the change`,
    );
  }
  const safety: Safety = unsafe.length ? 'UNSAFE' : human.length ? 'NEEDS_HUMAN' : 'SAFE';
  const reasons = [...unsafe, ...human];
  if (safety === 'SAFE') {
    const changed = changes.filter((c) => c.change === 'changed');
    reasons.push(
      changed.length
        ? `restores ${changed.map((c) => `${noun(c.type)} ${c.key} (${c.paths.length} settings)`).join(', ')}`
        : 'the target version has the same settings; restoring them is a no-op',
    );
  }
  return { safety, reasons, changes };
}

/** The path names a checkpoint, or sits in a named parameter or setting that does ({name: 'checkpoint_dir', default: ...}). */
function touchesCheckpoint(before: unknown, after: unknown, path: string): boolean {
  if (/checkpoint/i.test(path)) return true;
  const parent = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  if (parent === path) return false;
  return [before, after].some((side) => {
    const o = valueAt(side, parent) as Record<string, unknown> | undefined;
    return (
      o !== null &&
      typeof o === 'object' &&
      ['name', 'key'].some((k) => typeof o[k] === 'string' && /checkpoint/i.test(o[k] as string))
    );
  });
}

function valueAt(settings: unknown, path: string): unknown {
  let cur: unknown = settings;
  for (const part of path.split(/\.|(?=\[)/)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const idx = /^\[(\d+)\]$/.exec(part);
    cur = idx ? (cur as unknown[])[Number(idx[1])] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Code paths in the settings that do not carry the version (git sha): a reset would not restore them. */
export function unpinnedCode(settings: Readonly<Record<string, unknown>>, version: string): string[] {
  // A job that checks its code out of git at a commit or tag is pinned whatever its paths say.
  const git = settings.git_source as Record<string, unknown> | undefined;
  if (git && (git.git_commit || git.git_tag)) return [];
  const short = version.slice(0, 7);
  const out: string[] = [];
  const walk = (v: unknown, key: string | null): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, k);
    else if (typeof v === 'string' && key !== null && CODE_FIELDS.has(key) && !v.includes(short)) out.push(v);
  };
  walk(settings, null);
  return out;
}
