// The pipeline event log the tick reads (--event-log) as one view over the watched pipelines'
// published event logs. A pipeline publishes its event log to a Unity Catalog table when its spec
// has `event_log: {catalog, schema, name}`; the event_log() function serves only pipelines in the
// legacy publishing mode, and a view over it is readable by the pipeline's owner alone, so
// postflight reads published tables. The embedded world writes every pipeline's events into one
// table (sql/ddl/event_log.sql) and needs no view.

import { databricksDialect } from '../warehouse/databricks/databricks-dialect.js';
import type { Locations } from '../warehouse/port.js';
import { loadSql } from '../warehouse/sql-files.js';
import { compileSql, quoteName, validateIdentifier } from '../warehouse/sql-template.js';
import type { PipelineInfo } from '../workspace/port.js';

/** The part of the workspace setup lists pipelines from (the REST workspace). */
export interface PipelineDirectory {
  listPipelines(pageToken?: string): Promise<{
    readonly pipelines: ReadonlyArray<{ readonly pipelineId: string; readonly name?: string }>;
    readonly nextPageToken?: string;
  }>;
  getPipeline(pipelineId: string): Promise<PipelineInfo | null>;
}

export interface UncoveredPipeline {
  readonly pipelineId: string;
  readonly name: string | null;
  readonly reason: string;
}

export interface EventLogSources {
  /** catalog.schema.table of each published event log, sorted, each once. */
  readonly tables: readonly string[];
  readonly pipelineIds: readonly string[];
  readonly uncovered: readonly UncoveredPipeline[];
}

/** Where a pipeline spec publishes its event log: `event_log` with the pipeline's own catalog and schema as defaults. */
export function publishedEventLogOf(spec: Readonly<Record<string, unknown>>): { table: string } | { reason: string } {
  const ev = spec.event_log;
  if (!ev || typeof ev !== 'object')
    return {
      reason:
        'publishes no event log; set event_log: {catalog, schema, name} on the pipeline (in its bundle) and run setup again',
    };
  const e = ev as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const parts = [
    str(e.catalog) ?? str(spec.catalog),
    str(e.schema) ?? str(spec.schema) ?? str(spec.target),
    str(e.name),
  ];
  if (parts.some((p) => p === undefined))
    return { reason: 'its event_log names no catalog, schema and table, nor does the pipeline' };
  const table = parts.join('.');
  try {
    validateIdentifier(table, 'event log');
  } catch {
    return { reason: `its event log ${table} has a name postflight does not quote (letters, digits, '_' only)` };
  }
  return { table };
}

/** Every pipeline of the workspace, with the event log it publishes or why it cannot be read. */
export async function discoverEventLogs(dir: PipelineDirectory): Promise<EventLogSources> {
  const tables = new Set<string>();
  const pipelineIds: string[] = [];
  const uncovered: UncoveredPipeline[] = [];
  let token: string | undefined;
  do {
    const page = await dir.listPipelines(token);
    for (const p of page.pipelines) {
      const info = await dir.getPipeline(p.pipelineId);
      if (info === null) continue; // deleted between the list and the read
      const where = publishedEventLogOf(info.spec);
      const name = typeof info.spec.name === 'string' ? info.spec.name : (p.name ?? null);
      if ('table' in where) {
        tables.add(where.table);
        pipelineIds.push(p.pipelineId);
      } else uncovered.push({ pipelineId: p.pipelineId, name, reason: where.reason });
    }
    token = page.nextPageToken;
  } while (token !== undefined);
  return { tables: [...tables].sort(), pipelineIds: pipelineIds.sort(), uncovered };
}

/**
 * `CREATE OR REPLACE VIEW <event log> AS` the UNION ALL of sql/setup/event_log_source.sql compiled
 * once per published event log (validated, quoted names; sorted, so a second run sends the same text).
 */
export function eventLogViewSql(tables: readonly string[], loc: Locations): string {
  if (tables.length === 0) throw new Error('event log view: no published event log to read');
  const view = quoteName(databricksDialect, loc.eventLog, '--event-log');
  const sources = [...new Set(tables)].sort();
  if (sources.some((t) => t.toLowerCase() === loc.eventLog.toLowerCase()))
    throw new Error(
      `--event-log ${loc.eventLog} is also one of the published event logs; name a view of its own, e.g. ${loc.ops}.pipeline_event_log`,
    );
  const text = loadSql('setup/event_log_source');
  const selects = sources.map((t) => compileSql(text, databricksDialect, { ...loc, eventLog: t }).trim());
  return `CREATE OR REPLACE VIEW ${view} AS\n${selects.join('\nUNION ALL\n')}`;
}
