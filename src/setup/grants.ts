// sql/grants.sql filled in for one installation: its principals and locations, each validated and
// backtick-quoted before it reaches the text. The file is not sent by postflight: the owner of the
// ops schema applies what this prints.

import type { Locations } from '../warehouse/port.js';
import { splitStatements } from '../warehouse/sql-files.js';
import { validateIdentifier } from '../warehouse/sql-template.js';
import { type Principal, sqlPrincipal } from './principals.js';

export const IDENTITIES = ['deployer', 'verifier', 'rollback'] as const;
export type Identity = (typeof IDENTITIES)[number];
export type Identities = Partial<Record<Identity, Principal>>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/**
 * The GRANT statements of `text` for the principals given, in file order, each once. A statement
 * for an identity not given is left out, and so is one naming the dbt schema when none is set,
 * and one naming a drift metrics table (the policy file names those, one grant each).
 */
export function renderGrants(text: string, loc: Locations, who: Identities): string[] {
  const names = locationNames(loc);
  const out: string[] = [];
  for (const stmt of splitStatements(text)) {
    let skip = false;
    const sql = stmt.replace(PLACEHOLDER, (_, key: string) => {
      if ((IDENTITIES as readonly string[]).includes(key)) {
        const p = who[key as Identity];
        if (p === undefined) skip = true;
        return p === undefined ? '' : sqlPrincipal(p);
      }
      if (!(key in names)) throw new Error(`sql/grants.sql: unknown placeholder {{${key}}}`);
      const name = names[key];
      if (name === undefined) skip = true;
      return name ?? '';
    });
    if (!skip && !out.includes(sql)) out.push(sql);
  }
  return out;
}

/** Every location placeholder of grants.sql, quoted; undefined where the installation has none. */
function locationNames(loc: Locations): Record<string, string | undefined> {
  const ops = quoted(loc.ops, '--ops', 2);
  const eventLog = quoted(loc.eventLog, '--event-log', 3);
  const dbt = loc.dbtArtifacts === undefined ? undefined : quoted(loc.dbtArtifacts, '--dbt-artifacts', 2);
  return {
    ops: ops.join('.'),
    ops_catalog: ops[0],
    event_log: eventLog.join('.'),
    event_log_schema: eventLog.slice(0, 2).join('.'),
    event_log_catalog: eventLog[0],
    dbt_artifacts: dbt?.join('.'),
    dbt_artifacts_catalog: dbt?.[0],
    // The drift metrics tables the policy file names: the owner grants each one (docs/monitors.md).
    drift_metrics: undefined,
    drift_metrics_schema: undefined,
    drift_metrics_catalog: undefined,
  };
}

function quoted(name: string, flag: string, parts: number): string[] {
  const p = validateIdentifier(name, flag);
  if (p.length !== parts) throw new Error(`${flag}: '${name}' must have ${parts} dot-separated parts`);
  return p.map((x) => `\`${x}\``);
}
