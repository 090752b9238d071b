// The cost check on a pipeline's updates: a deploy that doubles the DBUs per update with a bigger
// node type in the pipeline's spec fails (a concern, not critical, so nothing rolls back) and
// names the change; a code-only deploy passes; and the spec settings that move what an update
// costs (serverless, Photon, edition, channel, clusters) are each named.

import { describe, expect, it } from 'vitest';
import { type CostEvidence, checkCost } from '../../src/checks/cost.js';
import { computeChanges } from '../../src/checks/cost-config.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { buildCatalog } from '../../src/simulator/catalog.js';
import { basePipelineCluster } from '../../src/simulator/cost.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { normal } from '../../src/simulator/random.js';
import { durationFactor } from '../../src/simulator/seasonality.js';
import { pipelineSpec } from '../../src/simulator/settings.js';
import type { RunCost, Subject } from '../../src/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEPLOY = Date.UTC(2026, 10, 4, 9, 30);
const subject: Subject = { type: 'pipeline', id: 'p-7', name: 'sales_dlt_007', targetTables: [], sourceTables: [] };
const now = DEPLOY + 20 * HOUR;

/** Half-hourly updates: DBUs with the daily pattern and noise of their length, at $0.36 a DBU. */
function updates(fromMs: number, toMs: number, factor: number, seed = 3): RunCost[] {
  const out: RunCost[] = [];
  for (let t = Math.ceil(fromMs / (HOUR / 2)) * (HOUR / 2) + 2 * 60_000; t < toMs; t += HOUR / 2) {
    const dbus = 1.5 * durationFactor(t) * Math.exp(0.08 * normal(seed, 'u', t)) * factor;
    out.push({ subjectId: 'p-7', runId: `u${t}`, usageFromMs: t, billedToMs: t + HOUR, dbus, dollars: dbus * 0.36 });
  }
  return out;
}

/** A pipeline of the simulated catalog that runs on a classic cluster of its own. */
function classicPipeline() {
  const p = buildCatalog(defaultSpec({ pipelines: 40 })).find(
    (c) => c.resourceType === 'pipeline' && basePipelineCluster(c) !== null,
  );
  if (!p) throw new Error('the catalog holds no classic pipeline');
  return p;
}

function evidence(factor: number, post: number, before: unknown, after: unknown): CostEvidence {
  return {
    subject,
    baseline: updates(DEPLOY - 28 * DAY, DEPLOY, 1),
    post: updates(DEPLOY, DEPLOY + post * (HOUR / 2), factor),
    unbilledEndMs: [],
    settings: {
      type: 'pipeline',
      id: 'p-7',
      before: { source: 'snapshot', settings: before },
      after: { source: 'snapshot', settings: after },
    },
  };
}

const change = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  computeChanges({
    type: 'pipeline',
    id: 'p-7',
    before: { source: 'snapshot', settings: before },
    after: { source: 'snapshot', settings: after },
  });

describe('cost check on pipeline updates', () => {
  it('fails a doubling of DBUs per update with a bigger node type, names it, and is no reason to roll back', () => {
    const p = classicPipeline();
    const before = pipelineSpec(p, 'v1');
    const after = pipelineSpec(p, 'v2', 'cost_regression', 2);
    const r = checkCost(evidence(2, 3, before, after), DEFAULT_POLICY, now);
    expect(r.status).toBe('FAIL');
    expect(r.critical).toBe(false);
    expect(r.subject).toBe('pipeline:p-7');
    expect(r.effect!).toBeGreaterThan(1.7);
    expect(r.effect!).toBeLessThan(2.3);
    expect(r.explanation).toMatch(
      /^node type i3\.xlarge → i3\.2xlarge in this deployment; DBUs per update ×[12]\.\d \(\$0\.\d\d → \$\d\.\d\d per update\) over 3 billed post-deploy update\(s\)/,
    );
  });

  it('passes a code-only deploy of the same pipeline, naming no change', () => {
    const p = classicPipeline();
    const r = checkCost(evidence(1, 6, pipelineSpec(p, 'v1'), pipelineSpec(p, 'v2')), DEFAULT_POLICY, now);
    expect(r.status).toBe('PASS');
    expect(r.explanation).toMatch(/^sales_dlt_007 burns DBUs per update ×[01]\.\d/);
    expect(change(pipelineSpec(p, 'v1'), pipelineSpec(p, 'v2'))).toEqual([]);
  });

  it('waits for an update to be billed, saying so in the pipeline’s words', () => {
    const p = classicPipeline();
    const ev = { ...evidence(2, 0, pipelineSpec(p, 'v1'), pipelineSpec(p, 'v2')), unbilledEndMs: [DEPLOY + HOUR] };
    const r = checkCost(ev, DEFAULT_POLICY, DEPLOY + 2 * HOUR);
    expect(r.status).toBe('INCONCLUSIVE');
    expect(r.explanation).toMatch(/^1 post-deploy update\(s\) of sales_dlt_007 not billed yet/);
  });

  it('names the spec settings that move what an update costs', () => {
    const cluster = { label: 'default', node_type_id: 'i3.xlarge', num_workers: 3 };
    const classic = { serverless: false, clusters: [cluster] };
    expect(change({ serverless: true }, classic)).toEqual(['serverless → classic compute (4 × i3.xlarge)']);
    expect(change(classic, { serverless: true })).toEqual(['classic compute → serverless']);
    expect(change(classic, { ...classic, photon: true })).toEqual(['Photon on']);
    expect(change({ ...classic, photon: true }, classic)).toEqual(['Photon off']);
    expect(change({ ...classic, edition: 'CORE' }, { ...classic, edition: 'advanced' })).toEqual([
      'edition CORE → ADVANCED',
    ]);
    expect(change(classic, { ...classic, edition: 'ADVANCED' })).toEqual([]);
    expect(change(classic, { ...classic, channel: 'PREVIEW' })).toEqual(['channel CURRENT → PREVIEW']);
    expect(
      change(classic, {
        ...classic,
        clusters: [{ ...cluster, num_workers: undefined, autoscale: { min_workers: 2, max_workers: 8 } }],
      }),
    ).toEqual(['workers 3 → autoscale 2–8']);
    expect(
      change(
        { ...classic, clusters: [{ ...cluster, autoscale: { min_workers: 1, max_workers: 4 } }] },
        { ...classic, clusters: [{ ...cluster, autoscale: { min_workers: 2, max_workers: 8 } }] },
      ),
    ).toEqual(['autoscale 1–4 → 2–8']);
    expect(
      change(
        { serverless: true },
        {
          serverless: false,
          clusters: [{ label: 'default', node_type_id: 'i3.2xlarge', autoscale: { min_workers: 1, max_workers: 5 } }],
        },
      ),
    ).toEqual(['serverless → classic compute (autoscale 1–5 × i3.2xlarge)']);
  });

  it('names Photon switched on a job cluster', () => {
    const job = (engine: string) => ({
      job_clusters: [
        { job_cluster_key: 'main', new_cluster: { node_type_id: 'i3.xlarge', num_workers: 2, runtime_engine: engine } },
      ],
    });
    expect(
      computeChanges({
        type: 'job',
        id: '1',
        before: { source: 'snapshot', settings: job('STANDARD') },
        after: { source: 'snapshot', settings: job('PHOTON') },
      }),
    ).toEqual(['Photon on']);
  });
});
