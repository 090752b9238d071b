import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATE_HELP } from '../../src/cli/gate-command.js';
import { PRECHECK_HELP } from '../../src/cli/precheck-command.js';
import { RECORD_HELP } from '../../src/cli/record-command.js';
import { WAIT_HELP } from '../../src/cli/wait-command.js';

const DIR = join(__dirname, '../../examples/github-actions');
const HELP: Record<string, string> = { record: RECORD_HELP, gate: GATE_HELP, wait: WAIT_HELP, precheck: PRECHECK_HELP };

interface Step {
  readonly run?: string;
}
interface Workflow {
  readonly jobs: Record<string, { readonly steps?: Step[]; readonly uses?: string; readonly permissions?: unknown }>;
  readonly permissions?: Record<string, string>;
}

describe('the GitHub Actions examples', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
  const workflows = files.map((f) => ({ f, wf: parse(readFileSync(join(DIR, f), 'utf8')) as Workflow }));

  it('are valid YAML workflows that may request an OIDC token and store no Databricks secret', () => {
    expect(files.sort()).toEqual(['deploy-target.yml', 'deploy.yml', 'promote.yml']);
    for (const { f, wf } of workflows) {
      expect(wf.permissions?.['id-token'], f).toBe('write');
      const text = readFileSync(join(DIR, f), 'utf8');
      expect(text, f).not.toMatch(/secrets\.|DATABRICKS_TOKEN|CLIENT_SECRET/);
    }
  });

  it('call only postflight commands and flags that exist', () => {
    const calls = workflows.flatMap(({ wf }) =>
      Object.values(wf.jobs).flatMap((j) =>
        (j.steps ?? []).flatMap((s) =>
          [...(s.run ?? '').replace(/\\\n\s*/g, ' ').matchAll(/\$PF (\w+)([^\n|;]*)/g)].map((m) => ({
            command: m[1]!,
            flags: [...m[2]!.matchAll(/(--[a-z-]+)/g)].map((x) => x[1]!),
          })),
        ),
      ),
    );
    expect(new Set(calls.map((c) => c.command))).toEqual(new Set(['record', 'gate', 'wait', 'precheck']));
    for (const c of calls) {
      for (const flag of c.flags) expect(HELP[c.command], `${c.command} ${flag}`).toContain(flag);
    }
  });

  it('call the reusable workflow with the inputs it declares', () => {
    const target = workflows.find((w) => w.f === 'deploy-target.yml')!.wf as unknown as {
      on: { workflow_call: { inputs: Record<string, { required: boolean }> } };
    };
    const declared = target.on.workflow_call.inputs;
    for (const { f, wf } of workflows) {
      for (const job of Object.values(wf.jobs)) {
        if (!job.uses) continue;
        const given = Object.keys((job as unknown as { with: Record<string, unknown> }).with);
        for (const k of given) expect(Object.keys(declared), `${f}: ${k}`).toContain(k);
        for (const [k, v] of Object.entries(declared)) if (v.required) expect(given, `${f}: ${k}`).toContain(k);
      }
    }
  });
});

describe('the bundle-native example', () => {
  // The fields the Databricks CLI's bundle schema has for these resources, kept with the tests;
  // checked against the schema itself wherever it is at hand (beside the repository in CI).
  const fields = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/databricks-cli/bundle-schema-fields.json'), 'utf8'),
  );
  const props = (name: string): string[] => fields[name];
  const schemaPath = join(__dirname, '../../../shared/schemas/bundle-jsonschema.json');
  const doc = parse(readFileSync(join(__dirname, '../../examples/bundle-native/record-on-deploy.yml'), 'utf8')) as {
    resources: { jobs: Record<string, Record<string, unknown>>; job_runs: Record<string, Record<string, unknown>> };
  };

  it.skipIf(!existsSync(schemaPath))('keeps its field lists as the bundle schema has them', () => {
    const defs = JSON.parse(readFileSync(schemaPath, 'utf8')).$defs['github.com'].databricks.cli.bundle.config;
    for (const name of ['resources.Job', 'resources.JobRun', 'resources.JobRunLifecycle', 'resources.JobRunTrigger']) {
      expect(props(name), name).toEqual(Object.keys(defs[name].oneOf[0].properties).sort());
    }
  });

  it("uses only fields the Databricks CLI's bundle schema has for jobs, job runs and their lifecycle", () => {
    for (const run of Object.values(doc.resources.job_runs)) {
      for (const k of Object.keys(run)) expect(props('resources.JobRun'), k).toContain(k);
      const lifecycle = run.lifecycle as { triggers: Array<Record<string, unknown>> };
      for (const k of Object.keys(lifecycle)) expect(props('resources.JobRunLifecycle'), k).toContain(k);
      for (const t of lifecycle.triggers)
        for (const k of Object.keys(t)) expect(props('resources.JobRunTrigger'), k).toContain(k);
    }
    for (const job of Object.values(doc.resources.jobs)) {
      for (const k of Object.keys(job)) expect(props('resources.Job'), k).toContain(k);
    }
  });

  it('records through flags postflight record has', () => {
    const task = (
      Object.values(doc.resources.jobs)[0]!.tasks as Array<{ spark_python_task: { parameters: string[] } }>
    )[0]!;
    const args = task.spark_python_task.parameters;
    expect(args[0]).toBe('record');
    for (const a of args.filter((x) => x.startsWith('--'))) expect(RECORD_HELP).toContain(a);
  });
});
