// `--help` of the platform commands that share the common options (demo, simulate, tick, advance,
// audit verify): what each does, its own flags, its exit codes and an example.

const SIZE = `  --pipelines N --days N --deploys-per-day N --seed N   size of the simulated platform`;
const PLATFORM = `  --warehouse duckdb:PATH | databricks, --workspace, --ops, --event-log, --dbt-artifacts: see 'postflight --help'`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  demo: `postflight demo [--json] [--policy FILE] [size options]

Builds a simulated platform (once per size; kept in .postflight/), replays a day minute by minute
with a verification tick each minute, and scores the verdicts against the simulator's labels:
bad deployments caught, healthy ones wrongly failed, rollbacks and their outcomes. The replayed
world is saved as .postflight/workspace.duckdb for 'postflight explain', 'watch', 'tick' and
'audit verify'. Progress shows on a terminal only.

${SIZE}
  --policy FILE   policy file (JSON; see policy.example.json)
  --json          the score as one JSON object

Exit codes: 0 done, 2 bad input, 70 internal error.

Example:
  npm start                       (the same as: postflight demo)
  postflight demo --pipelines 40 --json
`,
  simulate: `postflight simulate --warehouse duckdb:PATH [--json] [size options]

Builds the simulated platform's history in a new embedded warehouse file: jobs and pipelines with
seasonal volumes and durations, deployments (some bad in labelled ways), system tables, event log.
Progress shows on a terminal only.

${SIZE}
  --json   what was built as one JSON object

Exit codes: 0 built, 2 bad input (the file already holds a world), 70 internal error.

Example:
  postflight simulate --warehouse duckdb:/tmp/world.duckdb --pipelines 20 --days 28
`,
  tick: `postflight tick [--json] [--policy FILE] [--backfill-days N] [--tick-budget-s N] [options]

Runs one verification tick: finds the deployments under verification, gathers their evidence,
judges it, writes verdicts, error budgets and rollbacks. On the embedded world it ticks at the
world's simulated clock; on a workspace at the wall clock (the verifier job runs this each minute).

  --policy FILE        policy file (JSON; see policy.example.json)
  --backfill-days N    a new installation's first ticks judge N days of history first, a slice a tick
  --tick-budget-s N    seconds a tick may take before it starts no new work (default 50); what it
                       leaves is recorded in its row and judged first by the next tick
  --verifier-job-id ID the verifier job's own id (job.yml passes {{job.id}}): with costBudgets in the
                       policy, its usage and the SQL warehouse's are priced as postflight's own cost
  --json               the tick's summary as one JSON object
${PLATFORM}

Exit codes: 0 done, 2 bad input or a measurement error (the verdicts that could be reached are written).

Example:
  postflight tick --warehouse databricks --ops ops.postflight --json
`,
  advance: `postflight advance --minutes N [--json] [options]

Moves a simulated world forward N minutes, a verification tick each minute, and prints the last
tick's summary. Progress shows on a terminal only. ('postflight watch --speed N' does the same with a
live status.)

  --minutes N    minutes to move forward (default 60)
  --json         the last tick's summary as one JSON object
${PLATFORM}

Exit codes: 0 done, 2 bad input or a measurement error in the last tick.

Example:
  postflight advance --minutes 120 --warehouse duckdb:.postflight/workspace.duckdb
`,
  audit: `postflight audit verify [--json] [options]

Checks the audit log's hash chain, across the hot table and its archive, from the recorded anchor.

  --json    the outcome as one JSON object
${PLATFORM}

Exit codes: 0 intact, 1 tampered with (the first broken entry is named), 2 bad input.

Example:
  postflight audit verify --warehouse databricks --json
`,
};
