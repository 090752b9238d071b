// What `postflight setup` prints: the statements it ran (or would run), the grants to apply as the
// owner of the ops schema, and the workspace permissions, as SQL and CLI commands, or one JSON object.

import { cliCommand } from '../setup/permissions.js';
import type { SetupReport } from '../setup/run-setup.js';

export function printSetupReport(r: SetupReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(
    r.dryRun
      ? `-- postflight setup, dry run: ${r.statements.length} statements it would run, in order (nothing was sent)`
      : `-- postflight setup: ${r.stepsApplied} steps applied (${r.statements.length} statements, each safe to run again)`,
  );
  if (r.dryRun) for (const s of r.statements) line(`-- from ${s.from}\n${s.sql};\n`);
  const ev = r.eventLog;
  line(
    ev.tables.length
      ? `-- event-log view ${ev.view}: ${ev.tables.length} published event log(s): ${ev.tables.join(', ')}`
      : `-- event-log view ${ev.view}: not created (no published event log named)`,
  );
  for (const u of ev.uncovered)
    line(`--   not read: pipeline ${u.pipelineId}${u.name ? ` (${u.name})` : ''}: ${u.reason}`);
  for (const w of r.warnings) line(`-- warning: ${w}`);
  line();
  line('-- Unity Catalog grants: run as the owner of the ops schema (GRANT is idempotent).');
  for (const g of r.grants) line(`${g};`);
  for (const g of r.alsoGrant) line(g.startsWith('--') ? g : `-- ${g}`);
  line();
  line('-- Workspace permissions (Permissions API; PATCH adds to the access list, keeping what is there):');
  for (const req of r.permissions.requests) line(`# ${req.target}\n${cliCommand(req)}`);
  if (r.permissions.bundlePermissions.length) {
    line(
      "# or in each watched bundle's databricks.yml; a bundle that declares permissions must list these, since its deploy resets the access lists:",
    );
    line('# permissions:');
    for (const p of r.permissions.bundlePermissions) {
      const [key, name] = Object.entries(p).find(([k]) => k !== 'level')!;
      line(`#   - level: ${p.level}\n#     ${key}: ${name}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
