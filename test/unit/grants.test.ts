// Least privilege, derived: which identity runs each statement of sql/ (by reader folder, checked
// against what each command's code can reach), what those statements touch and how, and whether
// sql/grants.sql grants each identity exactly that: no missing grant, none unneeded.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELD_BY_DEPLOYING, WORKSPACE_NEEDS } from '../../src/setup/permissions.js';
import { loadSql } from '../../src/warehouse/sql-files.js';
import {
  ROOT,
  reachable,
  sqlNames,
  statementsNamed,
  type WorkspaceCall,
  workspaceCalls,
} from '../support/code-reach.js';
import { fileAccess, parseGrants, privilegesFor } from '../support/sql-access.js';

type Reader = 'deployer' | 'verifier' | 'rollback' | 'owner' | 'embedded' | 'exporter';
const GRANTED: readonly Reader[] = ['deployer', 'verifier', 'rollback'];

/**
 * Who runs the statements of each folder of sql/. The owner of the ops schema runs setup (DDL and
 * views) and needs no grant; embedded statements never reach a workspace. The rollback identity
 * runs no SQL: src/rollback's ledger statements run in the tick, as the verifier.
 */
const FOLDER_READERS: Readonly<Record<string, readonly Reader[]>> = {
  record: ['deployer'],
  gate: ['deployer'],
  precheck: ['deployer'],
  tick: ['verifier'],
  budget: ['verifier'],
  audit: ['verifier'],
  rollback: ['verifier'],
  alerts: ['verifier'],
  retention: ['verifier'],
  // The report reads postflight's own tables, which the verifier already reads and writes.
  report: ['verifier'],
  // `postflight explain` (and `watch`, which ticks) read what the verifier wrote, as the verifier.
  explain: ['verifier'],
  // `postflight restore` reads the commit cache, lineage and the ledgers, and records its restores.
  restore: ['verifier'],
  views: ['owner'],
  setup: ['owner'],
  ddl: ['embedded'],
  embedded: ['embedded'],
  demo: ['embedded'],
  // Run by hand, by whoever exports a workspace's history for `postflight backtest`
  // (docs/embedded-layout.md); postflight never sends them and grants nothing for them.
  export: ['exporter'],
};

/** Files read by more than their folder's reader, or otherwise than it. */
const FILE_READERS: Readonly<Record<string, readonly Reader[]>> = {
  // A rollback records the restored version as a deployment to verify (src/rollback/restore-record.ts).
  'record/merge_deployments': ['deployer', 'verifier'],
  'record/merge_deployment_events': ['deployer', 'verifier'],
  'record/merge_resource_snapshots': ['deployer', 'verifier'],
  'ddl/ops': ['owner'],
  // Not a statement postflight sends: the grants themselves.
  grants: [],
};

/** The commands, by the identity they run as; every command file must be here. */
const ENTRY_POINTS: Readonly<Record<string, Reader>> = {
  'src/cli/record-command.ts': 'deployer',
  'src/cli/retention-command.ts': 'verifier',
  'src/cli/precheck-command.ts': 'deployer',
  'src/cli/gate-command.ts': 'deployer',
  'src/cli/wait-command.ts': 'deployer',
  'src/cli/tick-command.ts': 'verifier',
  // Judges past deployments and writes their verdicts, as the verifier's ticks do.
  'src/cli/backfill-command.ts': 'verifier',
  'src/cli/audit.ts': 'verifier',
  'src/cli/report-command.ts': 'verifier',
  'src/cli/explain-command.ts': 'verifier',
  // Ticks as the verifier job does, and reads its status from the ops tables.
  'src/cli/watch-command.ts': 'verifier',
  // Reads postflight's record of changes, as audit verify reads the log.
  'src/cli/audit-report-command.ts': 'verifier',
  // A person runs it with the verifier's connection; RESTORE itself needs MODIFY on the tables restored.
  'src/cli/restore-command.ts': 'verifier',
  'src/cli/setup-command.ts': 'owner',
  'src/cli/demo-command.ts': 'embedded',
  'src/cli/simulate-command.ts': 'embedded',
  // Replays an export offline in an embedded warehouse of its own: nothing reaches a workspace.
  'src/cli/backtest-command.ts': 'embedded',
};

function readersOf(name: string): readonly Reader[] {
  if (name in FILE_READERS) return FILE_READERS[name]!;
  const folder = name.includes('/') ? name.slice(0, name.indexOf('/')) : '';
  const r = FOLDER_READERS[folder];
  if (!r) throw new Error(`sql/${name}.sql: no reader for folder '${folder}'; add it to FOLDER_READERS`);
  return r;
}

/** Privileges an identity's statements take, each with the statements that take it. */
function needs(reader: Reader, names: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of names) {
    if (!readersOf(name).includes(reader)) continue;
    for (const p of privilegesFor(fileAccess(loadSql(name), `sql/${name}.sql`)))
      out.set(p, [...(out.get(p) ?? []), name]);
  }
  return out;
}

/** What an identity lacks and what it is granted for nothing; empty lists when grants fit needs. */
function compare(needed: Map<string, string[]>, granted: Set<string>) {
  return {
    missing: [...needed.keys()].filter((p) => !granted.has(p)).map((p) => `${p} (for ${needed.get(p)!.join(', ')})`),
    unneeded: [...granted].filter((p) => !needed.has(p)),
  };
}

const grants = parseGrants(loadSql('grants'));

describe('sql/grants.sql', () => {
  it('names a reader for every statement of sql/', () => {
    for (const name of sqlNames()) expect(() => readersOf(name), name).not.toThrow();
  });

  it.each(GRANTED)('grants the %s exactly what its statements need', (reader) => {
    const needed = needs(reader, sqlNames());
    const { missing, unneeded } = compare(needed, grants.get(reader) ?? new Set());
    expect(missing, `${reader} lacks`).toEqual([]);
    expect(unneeded, `${reader} is granted without need`).toEqual([]);
  });

  it('gives the deployer and the verifier their own statements, and the rollback identity none', () => {
    expect(needs('deployer', sqlNames()).has('MODIFY ON TABLE {{ops}}.deployments')).toBe(true);
    expect(needs('deployer', sqlNames()).has('MODIFY ON TABLE {{ops}}.verdicts')).toBe(false);
    expect(needs('verifier', sqlNames()).get('SELECT ON TABLE system.lakeflow.job_run_timeline')).toEqual([
      'tick/runs',
      'tick/slow_pending',
    ]);
    expect(needs('rollback', sqlNames()).size).toBe(0);
    expect(grants.has('rollback')).toBe(false);
  });

  it('fails when a statement reads a table nobody granted, or a grant serves no statement', () => {
    const needed = needs('deployer', sqlNames());
    for (const p of privilegesFor(fileAccess('SELECT x FROM {{ops}}.ticks', 'new.sql'))) needed.set(p, ['new']);
    const granted = new Set(grants.get('deployer'));
    granted.add('SELECT ON TABLE {{ops}}.watermarks');
    const { missing, unneeded } = compare(needed, granted);
    expect(missing).toEqual(['SELECT ON TABLE {{ops}}.ticks (for new)']);
    expect(unneeded).toEqual(['SELECT ON TABLE {{ops}}.watermarks']);
  });

  it('names only tables that setup creates', () => {
    const created = new Set<string>();
    for (const name of sqlNames())
      if (readersOf(name).includes('owner')) for (const c of fileAccess(loadSql(name), name).creates) created.add(c);
    created.add('{{event_log}}');
    // Written by the drift monitors the policy file names, not by postflight.
    created.add('{{drift_metrics}}');
    for (const [who, privileges] of grants)
      for (const p of privileges) {
        const object = p.split(' ').at(-1)!;
        if (p.includes(' ON TABLE ') && !object.startsWith('system.') && !object.startsWith('{{dbt_artifacts}}'))
          expect(created, `${who}: ${p}`).toContain(object);
      }
  });
});

describe('the statement reader', () => {
  it('takes SELECT and MODIFY for a MERGE, SELECT for its sources, CREATE TABLE for DDL', () => {
    const merge = fileAccess(loadSql('rollback/mark_verdict'), 'rollback/mark_verdict');
    expect([...merge.writes]).toEqual(['{{ops}}.verdicts']);
    expect([...merge.reads]).toEqual(['{{ops}}.verdicts']);
    expect([...privilegesFor(fileAccess(loadSql('tick/pipeline_events'), 'p'))].sort()).toEqual([
      'SELECT ON TABLE {{event_log}}',
      'SELECT ON TABLE {{ops}}.pipeline_targets',
      'SELECT ON TABLE {{ops}}.watermarks',
      'USE CATALOG ON CATALOG {{event_log_catalog}}',
      'USE CATALOG ON CATALOG {{ops_catalog}}',
      'USE SCHEMA ON SCHEMA {{event_log_schema}}',
      'USE SCHEMA ON SCHEMA {{ops}}',
    ]);
    expect(privilegesFor(fileAccess('CREATE TABLE IF NOT EXISTS {{ops}}.archive (x STRING)', 'a'))).toContain(
      'CREATE TABLE ON SCHEMA {{ops}}',
    );
  });

  it('refuses a table named outside the placeholders, and a statement it cannot classify', () => {
    expect(() => fileAccess('SELECT * FROM main.sales.orders', 'x.sql')).toThrow(/reads 'main.sales.orders'/);
    expect(() => fileAccess('OPTIMIZE {{ops}}.ticks', 'x.sql')).toThrow(/cannot tell/);
  });
});

describe('the readers agree with the code', () => {
  const commands = readdirSync(join(ROOT, 'src/cli'))
    .filter((f) => f.endsWith('-command.ts'))
    .map((f) => `src/cli/${f}`);

  it('knows the identity of every command', () => {
    for (const c of commands) expect(Object.keys(ENTRY_POINTS), c).toContain(c);
  });

  it.each(Object.entries(ENTRY_POINTS).filter(([, r]) => r !== 'embedded'))(
    '%s runs only statements mapped to its identity',
    (entry, reader) => {
      const named = statementsNamed(reachable(entry));
      expect(named.size, entry).toBeGreaterThan(0);
      for (const name of named) expect(readersOf(name), `${entry} runs sql/${name}.sql`).toContain(reader);
    },
  );

  it('finds the rollback by settings reset in the tick, and asks CAN_MANAGE for it', () => {
    // The jobs and pipelines the tick resets (src/rollback/strategies) are the rollback identity's part.
    const calls = workspaceCalls(reachable('src/cli/tick-command.ts'));
    const writes = calls.filter((c) => c.call === 'resetJob' || c.call === 'editPipeline');
    expect(writes.map((c) => c.module)).toEqual([
      'src/rollback/strategies/jobs-api.ts',
      'src/rollback/strategies/jobs-api.ts',
    ]);
    expect(WORKSPACE_NEEDS.rollback).toMatchObject({ jobs: 'CAN_MANAGE', pipelines: 'CAN_MANAGE', warehouse: false });
    const reads = new Set<WorkspaceCall>(calls.filter((c) => !writes.includes(c)).map((c) => c.call));
    expect(reads).toEqual(new Set(['listRuns', 'getJob', 'getPipeline']));
    expect(WORKSPACE_NEEDS.verifier).toMatchObject({ jobs: 'CAN_VIEW', pipelines: 'CAN_VIEW', warehouse: true });
  });

  it('asks no more than reads of the deployer, which manages what it deploys', () => {
    const calls = new Set(
      ['record', 'precheck', 'gate', 'wait'].flatMap((c) =>
        workspaceCalls(reachable(`src/cli/${c}-command.ts`)).map((x) => x.call),
      ),
    );
    expect([...calls].filter((c) => c === 'resetJob' || c === 'editPipeline')).toEqual([]);
    expect(HELD_BY_DEPLOYING).toContain('deployer');
  });
});

it('keeps its folder map in step with sql/', () => {
  const folders = readdirSync(join(ROOT, 'sql')).filter((f) => statSync(join(ROOT, 'sql', f)).isDirectory());
  for (const f of folders) expect(Object.keys(FOLDER_READERS), `sql/${f}/`).toContain(f);
  expect(readFileSync(join(ROOT, 'sql/grants.sql'), 'utf8')).toMatch(/least privilege/);
});
