// `postflight demo`: builds the simulated platform (once), replays a day with a tick per minute
// and scores the verdicts against what was injected.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureWorldTemplate, runDemo, worldTemplatePath } from '../demo/demo.js';
import { type CommonValues, loadPolicies, worldSpecOf } from './common-options.js';
import { printDemo } from './print-demo.js';
import { Progress } from './progress.js';

/** Internal command: builds the demo's world template for the size flags given, and exits. */
export const BUILD_WORLD = 'build-demo-world';

function buildWorldApart(argv: readonly string[]): Promise<void> {
  const args = [BUILD_WORLD, ...argv.filter((a) => a !== 'demo')];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the demo world exited with code ${code}`)),
    );
  });
}

export async function runDemoCommand(argv: readonly string[], values: CommonValues): Promise<number> {
  const spec = worldSpecOf(values);
  const progress = new Progress(process.stderr);
  const policies = await loadPolicies(values.policy);
  // A process that has just built the world replays the day about a fifth slower (its heap and
  // allocator keep the build's shape), so a missing world is built by a process of its own.
  if (!existsSync(worldTemplatePath('.postflight', spec))) await buildWorldApart(argv);
  const report = await runDemo({
    dir: '.postflight',
    spec,
    policies,
    onProgress: (phase, d, t) => progress.update(phase, d, t),
  });
  progress.done();
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printDemo(report, process.stdout);
  return 0;
}

export async function runBuildWorldCommand(values: CommonValues): Promise<number> {
  const progress = new Progress(process.stderr);
  await ensureWorldTemplate('.postflight', worldSpecOf(values), (phase, d, t) => progress.update(phase, d, t));
  progress.done();
  return 0;
}
