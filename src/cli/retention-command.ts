// `postflight retention`: moves the ops tables' rows past the hot window to their archives and
// removes archived rows past a year, verifying counts and checksums on the way. The daily task of
// the bundle (retention.yml) runs it.

import { parseArgs } from 'node:util';
import type { Logger } from '../log.js';
import { DEFAULT_RETENTION, MAX_ARCHIVE_DAYS, MIN_HOT_DAYS, type RetentionPolicy } from '../retention/plan.js';
import { reportJson, reportText } from '../retention/report.js';
import { runRetention } from '../retention/run-retention.js';
import { ARCHIVED_TABLES, CURRENT_STATE_TABLES, KEPT_HOT } from '../retention/tables.js';
import { archiveMissing } from './archive-missing.js';
import { ConfigError, parseIntFlag } from './args.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';

const list = (entries: ReadonlyArray<readonly [string, string]>) =>
  entries.map(([table, why]) => `  ${table.padEnd(20)} ${why}`).join('\n');

export const RETENTION_HELP = `postflight retention [options]

Moves rows older than the hot window from postflight's history tables to <table>_archive, and
removes archived rows older than the archive window. Each move is verified by row counts and
checksums before a hot row is removed; a run stopped anywhere loses nothing, and the next run
finishes the work. The audit chain stays verifiable across the hot log, its archive and the
recorded anchor ('postflight audit verify').

  --hot-days N       days a row stays in the hot tables (default ${DEFAULT_RETENTION.hotDays}, at least ${MIN_HOT_DAYS})
  --archive-days N   age in days at which archived rows are removed (default ${DEFAULT_RETENTION.archiveDays})
  --dry-run          report what would move and be removed; change nothing
  --json             print one JSON object
${CONNECTION_HELP}
Cutoffs are taken at the start of the UTC day of the clock (the simulated one on an embedded
world), so a second run on the same day moves nothing.

History tables, and what stays hot in them at any age:
${list(ARCHIVED_TABLES.map((t) => [t, KEPT_HOT[t]] as const))}

Current state, never archived:
${list(Object.entries(CURRENT_STATE_TABLES))}

Exit codes: 0 done (or nothing to do), 1 a move did not verify or the audit chain is broken (the
rows concerned stay where they were; the problems are printed), 2 bad input or could not connect.

Example:
  postflight retention --warehouse databricks --ops ops.postflight --json
`;

/** The command's flags, read and checked (the bundle's task passes them too). */
export function parseRetentionArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'hot-days': { type: 'string' },
      'archive-days': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  return { values, policy: retentionPolicyOf(values['hot-days'], values['archive-days']) };
}

export async function runRetentionCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values, policy } = parseRetentionArgs(argv);
  if (values.help) {
    process.stdout.write(RETENTION_HELP);
    return 0;
  }
  const conn = await connectFromFlags(values, log, { requireAuditKey: true });
  try {
    const report = await runRetention(conn.wh, { nowMs: conn.nowMs(), policy, dryRun: values['dry-run'] }, log).catch(
      (e: Error) => {
        throw archiveMissing(e) ?? e;
      },
    );
    process.stdout.write(values.json ? `${JSON.stringify(reportJson(report))}\n` : reportText(report));
    return report.ok ? 0 : 1;
  } finally {
    await conn.close();
  }
}

export function retentionPolicyOf(hot: string | undefined, archive: string | undefined): RetentionPolicy {
  const hotDays = parseIntFlag('hot-days', hot, DEFAULT_RETENTION.hotDays, MIN_HOT_DAYS, MAX_ARCHIVE_DAYS);
  const archiveDays = parseIntFlag('archive-days', archive, DEFAULT_RETENTION.archiveDays, 1, MAX_ARCHIVE_DAYS);
  if (archiveDays <= hotDays)
    throw new ConfigError(
      `--archive-days ${archiveDays} must be more than --hot-days ${hotDays}: a row is archived after the hot window and removed after the archive window`,
    );
  return { hotDays, archiveDays };
}
