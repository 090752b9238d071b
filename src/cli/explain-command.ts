// `postflight explain DEPLOYMENT`: a deployment's whole story from the ops tables, for the person
// on call: the verdict and why, each check with its numbers drawn, the control group, the rollback
// or why none, the blast radius, the CI run and the trace.

import { describeRef, parseDeploymentRef } from '../explain/deployment-ref.js';
import { readStory } from '../explain/read-story.js';
import { renderStory } from '../explain/render.js';
import type { Logger } from '../log.js';
import { parseWarehouse } from './args.js';
import { type CommonValues, connectWith, UsageError } from './common-options.js';

export const EXPLAIN_HELP = `postflight explain DEPLOYMENT [--json] [--warehouse duckdb:PATH | databricks] [options]

Tells a deployment's story from postflight's tables: the verdict and why, every check with its
explanation and numbers and its evidence drawn before and after the deploy (the last runs before
it, then those after, on one scale), the control group's view, the rollback (safety class and its
reasons) or why there was none, the tables it reads and writes and who reads those downstream
(lineage), the CI run and the trace id. Reads only.

  DEPLOYMENT   a deployment id (dep-...), BUNDLE@VERSION (a git sha or a prefix of it; the newest
               deployment of that version), latest, or latest-failed (the newest FAILED or
               ROLLED_BACK deployment)
  --json       the same story as one JSON object (the numbers behind each drawing included)
  --warehouse, --ops, --event-log: as for every command ('postflight --help')

Drawings use Unicode blocks on a terminal and plain ASCII when the output is not a terminal.

Exit codes: 0 the story was told, 2 no such deployment or bad input.

Examples:
  postflight explain latest-failed
  postflight explain finance-dbt-009@e25f06a --json
  postflight explain dep-ec28aeb58db5b9708189 --warehouse databricks --ops ops.postflight
`;

export async function runExplainCommand(
  positionals: readonly string[],
  values: CommonValues,
  log: Logger,
): Promise<number> {
  if (values.help) {
    process.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  if (positionals.length > 2)
    throw new UsageError(
      `explain takes one DEPLOYMENT, got ${positionals.length - 1}: ${positionals.slice(1).join(' ')}`,
    );
  const ref = parseDeploymentRef(positionals[1]);
  const target = parseWarehouse(values.warehouse, '.postflight');
  const conn = await connectWith(values, target, log);
  try {
    const story = await readStory(conn.wh, ref, conn.nowMs());
    if (!story)
      throw new UsageError(
        `no ${describeRef(ref)} in ${target.kind === 'duckdb' ? target.path : 'the ops tables'}; 'postflight explain latest' shows the newest (on the embedded world, run 'npm start' first)`,
      );
    process.stdout.write(
      values.json ? `${JSON.stringify(story)}\n` : renderStory(story, process.stdout.isTTY ? 'unicode' : 'ascii'),
    );
    return 0;
  } finally {
    await conn.close();
  }
}
