import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRetentionArgs } from '../../src/cli/retention-command.js';

const ROOT = join(__dirname, '../..');
type Obj = Record<string, unknown>;
const yaml = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as Obj;
const jobsOf = (doc: Obj) => (doc.resources as Obj).jobs as Record<string, Obj>;

describe("the bundle's retention task", () => {
  const root = yaml('databricks.yml');
  const job = jobsOf(yaml('retention.yml')).postflight_retention!;
  const verifier = jobsOf(yaml('job.yml')).postflight_verifier!;
  const task = (job.tasks as Obj[])[0]!;
  const params = (task.spark_python_task as Obj).parameters as string[];
  const script = params.findIndex((p) => p.endsWith('.mjs'));
  const verifierTask = (verifier.tasks as Obj[])[0]!.spark_python_task as Obj;

  it('is included by the bundle root and runs once a day, never two at once', () => {
    expect(root.include).toContain('retention.yml');
    const schedule = job.schedule as Obj;
    // Quartz: seconds, minutes, hours fixed; every day of every month.
    expect(schedule.quartz_cron_expression).toMatch(/^\d+ \d+ \d+ \* \* \?/);
    expect(schedule.timezone_id).toBe('UTC');
    expect(job.max_concurrent_runs).toBe(1);
  });

  it("starts the bundled file through run_node.py on the verifier's serverless environment and identity", () => {
    expect((task.spark_python_task as Obj).python_file).toBe(verifierTask.python_file);
    // run_node.py's own options first (the warehouse by its bundle variable), then the bundled file.
    const verifierParams = verifierTask.parameters as string[];
    expect(params[script]).toBe(verifierParams.find((p) => p.endsWith('.mjs')));
    // Bundle variable references, which the CLI resolves.
    const ref = (name: string) => `\${var.${name}}`;
    expect(params.slice(0, script)).toEqual([
      '--warehouse-id',
      ref('warehouse_id'),
      '--secret-scope',
      ref('secret_scope'),
      '--secret',
      'POSTFLIGHT_AUDIT_KEY',
    ]);
    expect(job.environments).toEqual(verifier.environments);
    expect(task.environment_key).toBe((job.environments as Obj[])[0]!.environment_key);
    expect(job.run_as).toEqual(verifier.run_as);
  });

  it('passes flags the retention command takes, against the Databricks warehouse and the ops schema', () => {
    expect(params[script + 1]).toBe('retention');
    const { values, policy } = parseRetentionArgs(params.slice(script + 2));
    expect(values.warehouse).toBe('databricks');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bundle variable reference, which the CLI resolves
    expect(values.ops).toBe('${var.ops_schema}');
    expect(values.json).toBe(true);
    expect(values['dry-run']).toBe(false);
    expect(policy).toEqual({ hotDays: 90, archiveDays: 365 });
  });
});
