import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { loadSql } from '../../src/warehouse/sql-files.js';
import { parameterNames } from '../../src/warehouse/sql-template.js';

const ROOT = join(__dirname, '../..');
const SCHEMA = join(ROOT, '../shared/schemas/bundle-jsonschema.json');
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Merges an included file into the root as the CLI does: mappings merge, the rest is set. */
function merge(into: Obj, from: Obj): Obj {
  for (const [k, v] of Object.entries(from))
    into[k] = isObj(v) && isObj(into[k]) ? merge({ ...(into[k] as Obj) }, v) : v;
  return into;
}

function loadBundle(): { bundle: Obj; files: Map<string, Obj> } {
  const root = parse(readFileSync(join(ROOT, 'databricks.yml'), 'utf8')) as Obj;
  const files = new Map<string, Obj>([['databricks.yml', root]]);
  let bundle: Obj = { ...root };
  for (const inc of (root.include as string[]) ?? []) {
    const doc = parse(readFileSync(join(ROOT, inc), 'utf8')) as Obj;
    files.set(inc, doc);
    bundle = merge(bundle, doc);
  }
  return { bundle, files };
}

describe("postflight's own bundle", () => {
  const { bundle, files } = loadBundle();

  it.skipIf(!existsSync(SCHEMA))("validates, includes resolved, against the Databricks CLI's bundle schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    const ok = validate(bundle);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5))).toEqual([]);
    expect(ok).toBe(true);
    // The schema can fail: a misspelt field of a job is refused.
    const jobs = (bundle.resources as Obj).jobs as Obj;
    const broken = merge(
      { ...bundle },
      { resources: { jobs: { postflight_verifier: { ...(jobs.postflight_verifier as Obj), shedule: {} } } } },
    );
    expect(validate(broken)).toBe(false);
    // So is an alert comparing with an operator the API does not know, or a dashboard field misspelt.
    const alerts = (bundle.resources as Obj).alerts as Obj;
    const failed = alerts.failed_verdict as Obj;
    const badOperator = merge(
      { ...bundle },
      {
        resources: {
          alerts: {
            failed_verdict: { ...failed, evaluation: { ...(failed.evaluation as Obj), comparison_operator: 'MORE' } },
          },
        },
      },
    );
    expect(validate(badOperator)).toBe(false);
    const dashboards = (bundle.resources as Obj).dashboards as Obj;
    const misspelt = merge(
      { ...bundle },
      { resources: { dashboards: { postflight: { ...(dashboards.postflight as Obj), dataset_schemas: 'x' } } } },
    );
    expect(validate(misspelt)).toBe(false);
  });

  it('defines every variable it uses, and names only files that exist', () => {
    const text = [...files.keys()].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    const used = new Set([...text.matchAll(/\$\{var\.([a-z_]+)\}/g)].map((m) => m[1]!));
    expect([...used].filter((v) => !(v in (bundle.variables as Obj)))).toEqual([]);
    for (const [file, doc] of files) {
      for (const m of JSON.stringify(doc).matchAll(/"(?:python_file|file_path)":"([^"]+)"/g)) {
        expect(existsSync(join(ROOT, dirname(file), m[1]!)), `${file}: ${m[1]}`).toBe(true);
      }
    }
    // Files a task names by their workspace path are the bundle root's files, synced from git.
    for (const m of JSON.stringify(bundle).matchAll(/"\$\{workspace\.file_path\}\/([^"]+)"/g)) {
      if (m[1] !== 'dist/postflight.mjs') expect(existsSync(join(ROOT, m[1]!)), m[1]).toBe(true);
    }
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Obj }).scripts;
    const build = ((bundle.artifacts as Obj).postflight as Obj).build as string;
    for (const m of build.matchAll(/npm run ([a-z:-]+)/g)) expect(Object.keys(scripts)).toContain(m[1]);
  });

  const verifierParams = () => {
    const job = ((bundle.resources as Obj).jobs as Obj).postflight_verifier as Obj;
    return ((job.tasks as Obj[])[0]!.spark_python_task as Obj).parameters as string[];
  };

  it('ships the built file the job runs, though git ignores it', () => {
    const shipped = (bundle.sync as Obj).include as string[];
    const params = verifierParams();
    // run_node.py's own options come before the file it starts, postflight's after it.
    const script = params.findIndex((p) => p.endsWith('.mjs'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference, which the CLI resolves
    expect(params[script]).toBe('${workspace.file_path}/dist/postflight.mjs');
    expect(params.slice(0, script).filter((p) => p.startsWith('--'))).toEqual([
      '--warehouse-id',
      '--secret-scope',
      '--secret',
      '--secret',
    ]);
    // The audit chain's key, read from the same scope.
    expect(params[params.lastIndexOf('--secret') + 1]).toBe('POSTFLIGHT_AUDIT_KEY');
    expect(shipped).toContain('dist/postflight.mjs');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^dist\/$/m);
  });

  it("hands the job the warehouse variable and the secret scope it declares, readable by the verifier's principal", () => {
    const params = verifierParams();
    const given = (flag: string) => params[params.indexOf(flag) + 1];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference, which the CLI resolves
    expect(given('--warehouse-id')).toBe('${var.warehouse_id}');
    const scope = ((bundle.resources as Obj).secret_scopes as Obj).postflight as Obj;
    expect(given('--secret-scope')).toBe(scope.name);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference, which the CLI resolves
    expect(scope.permissions).toContainEqual({ level: 'READ', service_principal_name: '${var.verifier_sp}' });
    // The name the CI dispatch strategy reads its GitHub token from by default.
    const dispatch = resolveRollbackPolicy({ ciDispatch: { kind: 'github', repository: 'o/r', workflow: 'w.yml' } });
    expect(dispatch.ciDispatch?.kind === 'github' && dispatch.ciDispatch.tokenEnv).toBe(given('--secret'));
  });
});

/** A sync pattern as the CLI reads it (gitignore style): `*` within a path segment, `**` across. */
function globMatches(pattern: string, path: string): boolean {
  const re = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${re}$`).test(path);
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference, which the CLI resolves
const OPS_VAR = '${var.ops_schema}';

describe("postflight's dashboard and alerts in the bundle", () => {
  const { bundle, files } = loadBundle();
  const resources = bundle.resources as Obj;
  const variables = bundle.variables as Obj;

  it('reads the ops schema the job writes: catalog and schema for the dashboard, both for the job and alerts', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bundle variable references, which the CLI resolves
    expect((variables.ops_schema as Obj).default).toBe('${var.ops_catalog}.${var.ops_schema_name}');
    const dashboard = (resources.dashboards as Obj).postflight as Obj;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference
    expect(dashboard.dataset_catalog).toBe('${var.ops_catalog}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference
    expect(dashboard.dataset_schema).toBe('${var.ops_schema_name}');
    const job = (resources.jobs as Obj).postflight_verifier as Obj;
    const params = ((job.tasks as Obj[])[0]!.spark_python_task as Obj).parameters as string[];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference
    expect(params[params.indexOf('--ops') + 1]).toBe('${var.ops_schema}');
  });

  it('keeps the dashboard file out of the synced files, where it would show as a second dashboard', () => {
    const excluded = ((bundle.sync as Obj).exclude as string[] | undefined) ?? [];
    for (const [key, d] of Object.entries(resources.dashboards as Obj)) {
      const path = (d as Obj).file_path as string;
      const file = [...files].find(([, doc]) => ((doc.resources as Obj | undefined)?.dashboards as Obj)?.[key])![0];
      const fromRoot = join(dirname(file), path).replace(/\\/g, '/');
      expect(
        excluded.some((p) => globMatches(p, fromRoot)),
        `${fromRoot} is not in sync.exclude`,
      ).toBe(true);
    }
    expect(globMatches('dashboards/*.lvdash.json', 'dashboards/x.lvdash.json')).toBe(true);
    expect(globMatches('dashboards/*.lvdash.json', 'dashboards/a/x.lvdash.json')).toBe(false);
  });

  it("runs each alert on the text of its sql/alerts file, with the ops schema as the bundle's variable", () => {
    const alerts = resources.alerts as Record<string, Obj>;
    expect(Object.keys(alerts).sort()).toEqual([
      'budget_exhausted',
      'cost_overrun',
      'failed_verdict',
      'rollback_blocked',
      'untracked_change',
      'verifier_heartbeat',
    ]);
    for (const [key, a] of Object.entries(alerts)) {
      const sql = loadSql(`alerts/${key}`);
      // Alerts bind no parameters: the query must need none.
      expect(parameterNames(sql), key).toEqual([]);
      expect(
        a.query_text,
        `alerts.yml ${key}: query_text must be sql/alerts/${key}.sql with {{ops}} as \${var.ops_schema}`,
      ).toBe(sql.split('{{ops}}').join(OPS_VAR));
      expect(a.file_path, `${key}: a .dbalert.json may not use bundle variables`).toBeUndefined();
      const schedule = a.schedule as Obj;
      expect(String(schedule.quartz_cron_schedule).split(' ').length, key).toBeGreaterThanOrEqual(6);
      // A paused status set here would keep a development deploy from pausing the alert.
      expect(schedule.pause_status, key).toBeUndefined();
      const subscriptions = ((a.evaluation as Obj).notification as Obj).subscriptions as Obj[];
      expect(subscriptions.length, key).toBeGreaterThan(0);
    }
  });
});
