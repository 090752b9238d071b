import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { buildCatalog } from '../../src/simulator/catalog.js';
import { buildPlan } from '../../src/simulator/plan.js';

for (let seed = 1; seed < 80; seed++) {
  for (const pipelines of [4, 5, 6, 8]) {
  const spec = defaultSpec({ seed, pipelines, days: 7, deploysPerDay: 16, badShare: 0.7 });
  const cat = buildCatalog(spec);
  const plan = buildPlan(spec, cat);
  const replay = plan.deploys.filter((d) => d.atMs >= spec.startMs && d.atMs < spec.startMs + 8 * 3600e3);
  const bad = replay.filter((d) => d.label === 'bad');
  const inc = replay.filter((d) => d.label === 'upstream_incident');
  if (replay.some((d) => (d.behaviour.kind === 'failing_runs' || d.behaviour.kind === 'zero_rows') && d.atMs < spec.startMs + 420 * 60000 && cat[d.pipelineIndex]!.cadenceMin <= 60) && inc.length) console.log(seed, pipelines, replay.length, 'bad', bad.map((d) => `${d.behaviour.kind}@${((d.atMs - spec.startMs)/60000).toFixed(0)}m/${cat[d.pipelineIndex]!.cadenceMin}`).join(','), 'inc', inc.map((d) => ((d.atMs - spec.startMs)/60000).toFixed(0)).join(','));
  }
}
