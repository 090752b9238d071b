// `postflight explain` on a replayed world: the story of a failed deployment read back from the
// ops tables holds the verdict, every check's newest look, the rollback as the ledger has it, and
// series that are the run and commit evidence the tick judged, split at the deploy.

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorldTemplate, runDemo, worldTemplatePath } from '../../src/demo/demo.js';
import { parseDeploymentRef } from '../../src/explain/deployment-ref.js';
import { readStory } from '../../src/explain/read-story.js';
import { renderStory } from '../../src/explain/render.js';
import type { Story } from '../../src/explain/story-types.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

// The world of rollback-demo.test.ts: its replay fails deployments, rolls back some and blocks one.
const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
let wh: DuckDbWarehouse;
let nowMs: number;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postflight-explain-'));
  // The world's history is kept between runs (it depends on the spec and the world format only);
  // the replay, which writes every ops row explained here, runs afresh each time.
  const templates = join(tmpdir(), 'postflight-test-worlds');
  copyFileSync(await ensureWorldTemplate(templates, spec), worldTemplatePath(dir, spec));
  await runDemo({ dir, spec, replayMinutes: 8 * 60 });
  wh = await DuckDbWarehouse.open(join(dir, 'workspace.duckdb'));
  nowMs = (await SimWorld.open(wh))!.nowMs;
}, 900_000);

afterAll(async () => {
  await wh?.close();
});

const ms = (v: unknown) => Number(v);

/**
 * Minutes of a subject's runs that ran to their end since the deploy, up to `end`: the run cache
 * (fast plane) laid over the run timelines of the system tables (slow plane), one row per run.
 */
const RUN_MINUTES = `
  WITH runs AS (
    SELECT 0 AS plane, run_id, start_time, end_time, result FROM postflight.observed_runs WHERE subject_id = $id
    UNION ALL
    SELECT 1, run_id, min(period_start_time), max(period_end_time),
      CASE WHEN max(result_state) = 'SUCCEEDED' THEN 'SUCCESS' ELSE max(result_state) END
    FROM system_lakeflow.job_run_timeline WHERE job_id = $id GROUP BY run_id
    UNION ALL
    SELECT 1, update_id, period_start_time, period_end_time,
      CASE WHEN result_state = 'COMPLETED' THEN 'SUCCESS' ELSE result_state END
    FROM system_lakeflow.pipeline_update_timeline WHERE pipeline_id = $id
  ),
  one AS (SELECT * FROM runs QUALIFY row_number() OVER (PARTITION BY run_id ORDER BY plane) = 1)
  SELECT round((epoch_ms(end_time) - epoch_ms(start_time)) / 60000.0, 2) AS v FROM one
  WHERE result IN ('SUCCESS', 'TIMED_OUT') AND end_time IS NOT NULL AND epoch_ms(start_time) BETWEEN $deployed AND $end
  ORDER BY start_time LIMIT 24`;

describe('the story of a failed deployment', () => {
  let story: Story;
  beforeAll(async () => {
    story = (await readStory(wh, parseDeploymentRef('latest-failed'), nowMs))!;
  });

  it('is the newest deployment whose verdict failed', async () => {
    const [newest] = await wh.session.all(`
      SELECT d.deployment_id FROM postflight.deployments d JOIN postflight.verdicts v USING (deployment_id)
      WHERE v.state IN ('FAILED', 'ROLLED_BACK') ORDER BY d.finished_at DESC, d.deployment_id DESC LIMIT 1`);
    expect(newest, 'the replay failed no deployment').toBeDefined();
    expect(story.deployment.deploymentId).toBe(newest!.deployment_id);
    expect(['FAILED', 'ROLLED_BACK']).toContain(story.verdict?.state);
  });

  it('holds each check once, at its newest look, with at least one critical failure', async () => {
    const rows = await wh.session.all(
      `SELECT check_name, subject, max(look) AS look, count(*) AS looks FROM postflight.check_results
       WHERE deployment_id = '${story.deployment.deploymentId}' GROUP BY ALL`,
    );
    expect(story.checks.length).toBe(rows.length);
    for (const r of rows) {
      const c = story.checks.find((x) => x.check === r.check_name && x.subject === r.subject)!;
      expect({ look: c.look, looks: c.looks }).toEqual({ look: ms(r.look), looks: ms(r.looks) });
    }
    expect(story.checks.some((c) => c.status === 'FAIL' && c.critical)).toBe(true);
  });

  it('draws run durations and rows written from the evidence, split at the deploy', async () => {
    // Every judged deployment that moved: the failed one above may have had no run finish since.
    const judged = await wh.session.all(
      "SELECT deployment_id FROM postflight.verdicts WHERE state IN ('FAILED', 'ROLLED_BACK', 'DEGRADED') ORDER BY deployment_id",
    );
    let compared = 0;
    for (const { deployment_id } of judged) {
      const s = (await readStory(wh, parseDeploymentRef(String(deployment_id)), nowMs))!;
      const deployed = s.deployment.finishedMs!;
      for (const c of s.checks) {
        if (c.series?.kind !== 'level' || !c.series.after.length) continue;
        const id = c.subject.slice(c.subject.indexOf(':') + 1);
        const window = { deployed, end: c.evaluatedMs! };
        const truth =
          c.check === 'row_count'
            ? await wh.session.all(
                `SELECT rows_written AS v FROM postflight.table_commits WHERE table_name = $id AND rows_written IS NOT NULL
                 AND epoch_ms(commit_time) BETWEEN $deployed AND $end ORDER BY commit_time, version LIMIT 24`,
                { id, ...window },
              )
            : c.check === 'duration'
              ? await wh.session.all(RUN_MINUTES, { id, ...window })
              : null;
        if (!truth) continue;
        expect(c.series.after, `${c.check} on ${c.subject} of ${deployment_id}`).toEqual(truth.map((t) => Number(t.v)));
        expect(c.series.before.length).toBeGreaterThan(0);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('tells the rollback as the ledger has it, with the reasons of its safety class', async () => {
    const rows = await wh.session.all(
      `SELECT rollback_id, state, safety FROM postflight.rollbacks WHERE deployment_id = '${story.deployment.deploymentId}'`,
    );
    expect(story.rollback.rollbacks.map((r) => [r.rollbackId, r.state, r.safety])).toEqual(
      rows.map((r) => [r.rollback_id, r.state, r.safety]),
    );
    if (rows.length === 0) expect(story.rollback.whyNot).toMatch(/no rollback/);
    for (const r of story.rollback.rollbacks) expect(r.safetyReasons.length).toBeGreaterThan(0);
  });

  it('names the tables it writes, the CI run and the trace', () => {
    expect(story.blastRadius.writes.length).toBeGreaterThan(0);
    expect(story.ci.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(story.ci.stages.map((s) => s.stage)).toContain('deploy');
  });

  it('renders every section, in plain ASCII when asked to', () => {
    const text = renderStory(story, 'ascii');
    for (const h of ['VERDICT', 'CHECKS', 'CONTROL GROUP', 'ROLLBACK', 'BLAST RADIUS', 'CI  run'])
      expect(text).toContain(h);
    expect(text).toContain(story.deployment.deploymentId);
    // The drawings and the frame are ASCII; the explanations quote the checks, which may not be.
    const drawings = text.split('\n').filter((l) => l.includes('before → after:'));
    expect(drawings.length).toBeGreaterThan(0);
    for (const l of drawings) expect(l.split('before → after:')[1]).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('finding a deployment', () => {
  it('by bundle and a prefix of its version, by id, and not at all', async () => {
    const [d] = await wh.session.all(
      'SELECT deployment_id, bundle, version FROM postflight.deployments ORDER BY finished_at DESC, deployment_id LIMIT 1',
    );
    const byVersion = await readStory(wh, parseDeploymentRef(`${d!.bundle}@${String(d!.version).slice(0, 8)}`), nowMs);
    expect(byVersion?.deployment.version).toBe(d!.version);
    const byId = await readStory(wh, parseDeploymentRef(String(d!.deployment_id)), nowMs);
    expect(byId?.deployment.deploymentId).toBe(d!.deployment_id);
    expect(await readStory(wh, parseDeploymentRef('dep-none'), nowMs)).toBeNull();
    expect(await readStory(wh, parseDeploymentRef(`${d!.bundle}@ffffffffff`), nowMs)).toBeNull();
  });

  it('refuses what is not a deployment reference, naming the forms it takes', () => {
    expect(() => parseDeploymentRef(undefined)).toThrow(/BUNDLE@VERSION/);
    expect(() => parseDeploymentRef('bundle@not a sha')).toThrow(/BUNDLE@VERSION/);
  });
});
