// Which objects a statement of sql/ reads, writes and creates, and the Unity Catalog privileges
// that takes, read from the statement text as written (placeholders and all); and the grants of
// sql/grants.sql in the same terms. A statement this reader cannot place fails loudly rather than
// being waved through.

import { splitStatements } from '../../src/warehouse/sql-files.js';

export interface Access {
  readonly reads: Set<string>;
  readonly writes: Set<string>;
  /** Tables and views created (CREATE TABLE / VIEW), and schemas created (CREATE SCHEMA). */
  readonly creates: Set<string>;
  readonly createsSchemas: Set<string>;
}

const REF = String.raw`(?:\{\{ops\}\}\.[A-Za-z_]\w*|\{\{event_log\}\}|\{\{dbt_artifacts\}\}\.[A-Za-z_]\w*|\{\{drift_metrics\}\}|(?<![\w.])system\.[a-z_]+\.[a-z_]+)`;
/** A drift metrics table the policy file names, bound as IDENTIFIER(:metrics_table): grants.sql's {{drift_metrics}}. */
const DRIFT_TABLE = /\bIDENTIFIER\(\s*:metrics_table\s*\)/gi;
const REF_ALL = new RegExp(REF, 'g');
const WRITE = new RegExp(
  String.raw`\b(?:MERGE\s+INTO|INSERT\s+(?:INTO|OVERWRITE)(?:\s+TABLE)?|UPDATE|DELETE\s+FROM)\s+(${REF})`,
  'gi',
);
const CREATE = new RegExp(
  String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(${REF})`,
  'i',
);
const CREATE_SCHEMA = /^CREATE\s+(?:SCHEMA|DATABASE)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\{\{[a-z_]+\}\})/i;
const KINDS = /^(?:SELECT|WITH|MERGE|INSERT|UPDATE|DELETE|CREATE)\b/i;

/** Objects a file's statements touch. `name` is for messages. */
export function fileAccess(text: string, name: string): Access {
  const a: Access = { reads: new Set(), writes: new Set(), creates: new Set(), createsSchemas: new Set() };
  for (const raw of splitStatements(text)) {
    const stmt = raw
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(DRIFT_TABLE, '{{drift_metrics}}')
      .replace(/\s+/g, ' ')
      .trim();
    if (!KINDS.test(stmt))
      throw new Error(`${name}: cannot tell what '${stmt.slice(0, 40)}' needs; teach test/support/sql-access.ts`);
    checkSources(stmt, name);
    const schema = CREATE_SCHEMA.exec(stmt);
    if (schema) {
      a.createsSchemas.add(schema[1]!);
      continue;
    }
    const created = CREATE.exec(stmt);
    if (created) a.creates.add(created[1]!);
    const written = new Set([...stmt.matchAll(WRITE)].map((m) => m[1]!));
    for (const w of written) a.writes.add(w);
    // Every other mention is a read; a written table is read too (MERGE matches against it).
    const mentions = [...stmt.matchAll(REF_ALL)].map((m) => m[0]);
    for (const m of mentions) if (m !== created?.[1]) a.reads.add(m);
  }
  return a;
}

/** FROM and JOIN may name a table reference, a CTE of the statement or a subquery: nothing else. */
function checkSources(stmt: string, name: string): void {
  const ctes = new Set([...stmt.matchAll(/(?:\bWITH|,)\s*([A-Za-z_]\w*)\s+AS\s*\(/gi)].map((m) => m[1]!.toLowerCase()));
  for (const m of stmt.matchAll(/(?<!\bDISTINCT\s)\b(?:FROM|JOIN)\s+([^\s(),]+|\()/gi)) {
    const src = m[1]!;
    if (src === '(' || new RegExp(`^${REF}$`).test(src) || ctes.has(src.toLowerCase())) continue;
    throw new Error(
      `${name}: reads '${src}', which is not {{ops}}.<table>, {{event_log}}, {{dbt_artifacts}}.<table>, system.<schema>.<table> or a CTE; name tables by their placeholders so their grants can be checked`,
    );
  }
}

/** Where a reference lives: its schema and catalog, as grants.sql names them. */
export function containerOf(ref: string): { schema: string; catalog: string } {
  if (ref.startsWith('{{ops}}')) return { schema: '{{ops}}', catalog: '{{ops_catalog}}' };
  if (ref === '{{event_log}}') return { schema: '{{event_log_schema}}', catalog: '{{event_log_catalog}}' };
  if (ref.startsWith('{{dbt_artifacts}}')) return { schema: '{{dbt_artifacts}}', catalog: '{{dbt_artifacts_catalog}}' };
  if (ref === '{{drift_metrics}}') return { schema: '{{drift_metrics_schema}}', catalog: '{{drift_metrics_catalog}}' };
  const [catalog, schema] = ref.split('.');
  return { schema: `${catalog}.${schema}`, catalog: catalog! };
}

/** The privileges the access takes, as `PRIVILEGE ON TYPE name`. */
export function privilegesFor(a: Access): Set<string> {
  const out = new Set<string>();
  const use = (ref: string) => {
    const { schema, catalog } = containerOf(ref);
    out.add(`USE SCHEMA ON SCHEMA ${schema}`);
    out.add(`USE CATALOG ON CATALOG ${catalog}`);
  };
  for (const r of a.reads) {
    out.add(`SELECT ON TABLE ${r}`);
    use(r);
  }
  for (const w of a.writes) {
    out.add(`MODIFY ON TABLE ${w}`);
    use(w);
  }
  for (const c of a.creates) {
    out.add(`CREATE TABLE ON SCHEMA ${containerOf(c).schema}`);
    use(c);
  }
  for (const s of a.createsSchemas) {
    const catalog = containerOf(`${s}.x`).catalog;
    out.add(`CREATE SCHEMA ON CATALOG ${catalog}`);
    out.add(`USE CATALOG ON CATALOG ${catalog}`);
  }
  return out;
}

/** sql/grants.sql as privileges per principal placeholder (deployer, verifier, rollback). */
export function parseGrants(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const raw of splitStatements(text)) {
    const stmt = raw.replace(/\s+/g, ' ').trim();
    const m = /^GRANT (.+?) ON (CATALOG|SCHEMA|TABLE) (\S+) TO \{\{([a-z]+)\}\}$/i.exec(stmt);
    if (!m)
      throw new Error(
        `sql/grants.sql: cannot read '${stmt}'; write GRANT <privileges> ON <type> <name> TO {{identity}}`,
      );
    const set = out.get(m[4]!) ?? new Set<string>();
    for (const p of m[1]!.split(',')) set.add(`${p.trim().toUpperCase()} ON ${m[2]!.toUpperCase()} ${m[3]}`);
    out.set(m[4]!, set);
  }
  return out;
}
