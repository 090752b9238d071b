// What `postflight setup` does to a warehouse, in order: postflight's schema and tables
// (sql/ddl/ops.sql), every view of sql/views/ in file-name order (they read the tables), then the
// event-log view. Every step is safe to repeat: CREATE ... IF NOT EXISTS for tables, CREATE OR
// REPLACE for views, so a second run leaves the same objects and a newer postflight brings its
// views up to date.

import { databricksDdlStatements } from '../warehouse/databricks/databricks-warehouse.js';
import type { Locations } from '../warehouse/port.js';
import { listSql } from '../warehouse/sql-files.js';
import { eventLogViewSql } from './event-log-view.js';

export type SetupStep =
  | { readonly kind: 'ddl'; readonly name: string }
  | { readonly kind: 'statement'; readonly what: string; readonly sql: string };

/** Where setup's steps go: a warehouse's DDL, and one statement built from sql/ files. */
export interface SetupTarget {
  applyDdl(name: string): Promise<void>;
  applyStatement(what: string, sql: string): Promise<void>;
}

export class SetupStepError extends Error {}

export function setupPlan(loc: Locations, eventLogTables: readonly string[]): SetupStep[] {
  const steps: SetupStep[] = [{ kind: 'ddl', name: 'ddl/ops' }];
  for (const name of listSql('views')) steps.push({ kind: 'ddl', name });
  if (eventLogTables.length)
    steps.push({ kind: 'statement', what: 'event log view', sql: eventLogViewSql(eventLogTables, loc) });
  return steps;
}

/** The statements the plan sends to a Databricks warehouse, each with the file or step it comes from. */
export function planStatements(steps: readonly SetupStep[], loc: Locations): Array<{ from: string; sql: string }> {
  return steps.flatMap((s) =>
    s.kind === 'ddl'
      ? databricksDdlStatements(s.name, loc).map((sql) => ({ from: `sql/${s.name}.sql`, sql }))
      : [{ from: s.what, sql: s.sql }],
  );
}

/** Applies the steps in order; a failure names the step, and everything before it stays applied. */
export async function applyPlan(steps: readonly SetupStep[], target: SetupTarget): Promise<number> {
  let done = 0;
  for (const s of steps) {
    try {
      if (s.kind === 'ddl') await target.applyDdl(s.name);
      else await target.applyStatement(s.what, s.sql);
    } catch (e) {
      const what = s.kind === 'ddl' ? `sql/${s.name}.sql` : s.what;
      throw new SetupStepError(
        `setup stopped at ${what}: ${(e as Error).message}. The ${done} step(s) before it are applied; setup is safe to run again once this is fixed`,
      );
    }
    done++;
  }
  return done;
}
