// Whether rolling back must bring code back, and so which strategy does it. Resetting job and
// pipeline settings restores what a task runs, not the notebooks and files a bundle synced to
// the workspace: where those changed and run from paths every version overwrites, only a
// redeploy of the target version (ci-dispatch) restores them. Pure.

import type { CodeFingerprint } from '../ci/code-fingerprint.js';
import type { StrategyChoice, StrategyName } from './types.js';

export type CodeState = 'unchanged' | 'changed' | 'unknown';

export interface CodeChange {
  readonly state: CodeState;
  /** Files added, removed or changed, when both deployments listed them. */
  readonly files: readonly string[];
  /** One clause for the plan's reasons. */
  readonly text: string;
}

const NAMED = 5;

export function compareCode(failed: CodeFingerprint | null, target: CodeFingerprint | null): CodeChange {
  if (!failed || !target) {
    const which =
      !failed && !target ? 'neither deployment' : !failed ? 'the failed deployment' : 'the target deployment';
    return {
      state: 'unknown',
      files: [],
      text: `${which} recorded the bundle's code files (record --stage deploy fingerprints them), so whether code changed is not known`,
    };
  }
  if (failed.hash === target.hash)
    return {
      state: 'unchanged',
      files: [],
      text: `the bundle's ${target.files} code files are the same in both versions`,
    };
  const files =
    failed.manifest && target.manifest
      ? [...new Set([...Object.keys(failed.manifest), ...Object.keys(target.manifest)])]
          .filter((p) => failed.manifest?.[p] !== target.manifest?.[p])
          .sort()
      : [];
  const named = files.length
    ? `${files.length} file${files.length > 1 ? 's' : ''}: ${files.slice(0, NAMED).join(', ')}${files.length > NAMED ? ', …' : ''}`
    : `fingerprint ${target.hash.slice(0, 8)} then, ${failed.hash.slice(0, 8)} now`;
  return { state: 'changed', files, text: `the bundle's code files changed between the versions (${named})` };
}

export interface StrategyPick {
  readonly strategy: StrategyName;
  /** Why, for the plan's reasons. */
  readonly note: string;
  /** A settings reset would leave changed (or maybe changed) code in place: a human must decide. */
  readonly needsHuman: boolean;
}

/**
 * The strategy a rollback uses. An explicit choice in the policy stands; `auto` resets settings
 * (jobs-api) unless code changed, or may have, and runs from a path every version overwrites:
 * then CI redeploys the target version, or, with no CI dispatch configured, the plan says a
 * settings reset would leave the failed code in place (classify then asks for a human).
 */
export function chooseStrategy(input: {
  readonly choice: StrategyChoice;
  readonly code: CodeChange;
  /** Code paths in the target's settings that do not carry its version. */
  readonly unpinned: readonly string[];
  readonly ciDispatch: boolean;
  readonly toVersion: string;
}): StrategyPick {
  const { choice, code, unpinned } = input;
  const stale = code.state !== 'unchanged' && unpinned.length > 0;
  if (choice !== 'auto')
    return {
      strategy: choice,
      note: `${code.text}; strategy ${choice} as the policy sets it`,
      needsHuman: choice === 'jobs-api' && stale,
    };
  if (code.state === 'unchanged')
    return {
      strategy: 'jobs-api',
      note: `${code.text}: resetting job and pipeline settings restores the version`,
      needsHuman: false,
    };
  if (unpinned.length === 0)
    return {
      strategy: 'jobs-api',
      note: `${code.text}; every code path carries the version, so a settings reset runs the target version's code`,
      needsHuman: false,
    };
  if (input.ciDispatch)
    return {
      strategy: 'ci-dispatch',
      note: `${code.text}, and ${unpinned[0]} is a path every version overwrites: CI redeploys ${input.toVersion.slice(0, 12)} (ci-dispatch)`,
      needsHuman: false,
    };
  return {
    strategy: 'jobs-api',
    note: `${code.text}, and no CI dispatch is configured (rollback.ciDispatch): a settings reset would leave the failed version's code in place`,
    needsHuman: true,
  };
}
