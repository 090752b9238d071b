// `postflight restore plan DEPLOYMENT` and `postflight restore apply --plan FILE --approve`: the
// data a failed version wrote, put back with the code. Planning reads; applying is a person's
// decision, taken on a plan file they read, and never the tick's.

import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { describeRef, parseDeploymentRef } from '../explain/deployment-ref.js';
import type { Logger } from '../log.js';
import { applyPlan } from '../restore/apply.js';
import { planRestore } from '../restore/plan.js';
import { planFile, readPlanFile } from '../restore/plan-file.js';
import { readPlanInput } from '../restore/read-inputs.js';
import { renderOutcomes, renderPlan } from '../restore/render.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { UsageError } from './common-options.js';

export const RESTORE_HELP = `postflight restore plan DEPLOYMENT [--json] [--out FILE] [options]
postflight restore apply --plan FILE --approve [--json] [options]

plan: works out from Delta history (postflight's commit cache, completed by DESCRIBE HISTORY) and
lineage which tables the deployment's jobs wrote while its version ran (after the deploy, before
its rollback or the next deployment), the version of each before the first bad commit, who else
wrote them since, and who read them since. It prints RESTORE TABLE ... TO VERSION AS OF ... for
each table nobody else wrote since, the tables it will not restore and why (restoring would lose
another writer's rows, or a later full rewrite already replaced the bad rows), and the downstream
tables to re-run. Reads only.

apply: runs the RESTORE statements of a plan file, only with --approve: restoring data is a
person's decision. A table whose newest version is no longer the plan's is left alone (make a new
plan); a table the plan already restored is not restored again. Each table is audited.

  DEPLOYMENT   a deployment id (dep-...), BUNDLE@VERSION, latest or latest-failed
  --out FILE   plan: also write the plan as JSON, with its id (a hash of its content)
  --plan FILE  apply: the plan file written by 'restore plan --out'
  --approve    apply: required; without it nothing runs
  --json       the plan, or apply's outcomes, as JSON
${CONNECTION_HELP}
Exit codes: plan: 0 printed (with or without tables to restore), 2 no such deployment or bad input.
apply: 0 every table restored or already restored, 1 a table moved since the plan or its restore
failed, 2 no --approve, a bad or edited plan file, or bad input.

Examples:
  postflight restore plan latest-failed --out restore.json
  postflight restore apply --plan restore.json --approve
`;

export async function runRestoreCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      plan: { type: 'string' },
      approve: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(RESTORE_HELP);
    return values.help ? 0 : 2;
  }
  const [sub, ...rest] = positionals;
  if (sub === 'plan') {
    if (rest.length !== 1)
      throw new UsageError(
        `restore plan takes one DEPLOYMENT, got ${rest.length}; e.g. postflight restore plan latest-failed`,
      );
    const ref = parseDeploymentRef(rest[0]);
    const conn = await connectFromFlags(values, log);
    try {
      const input = await readPlanInput(conn.wh, ref);
      if (!input)
        throw new UsageError(`no ${describeRef(ref)} in the ops tables; 'postflight explain latest' shows the newest`);
      const file = planFile(planRestore(input), conn.nowMs());
      if (values.out) writeFileSync(values.out, `${JSON.stringify(file, null, 2)}\n`);
      process.stdout.write(values.json ? `${JSON.stringify(file)}\n` : renderPlan(file, values.out));
      return 0;
    } finally {
      await conn.close();
    }
  }
  if (sub === 'apply') {
    if (rest.length) throw new UsageError(`restore apply takes no positional arguments, got ${rest.join(' ')}`);
    if (!values.plan)
      throw new UsageError('restore apply needs --plan FILE, written by postflight restore plan DEPLOYMENT --out FILE');
    if (!values.approve)
      throw new UsageError(
        `restore apply needs --approve: restoring tables rewrites production data, so a person decides; read ${values.plan} (or 'postflight restore plan' again) and add --approve`,
      );
    let text: string;
    try {
      text = readFileSync(values.plan, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--plan ${values.plan} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    const file = readPlanFile(text, values.plan);
    const conn = await connectFromFlags(values, log, { requireAuditKey: true });
    try {
      const outcomes = await applyPlan(conn.wh, file, approver(), () => conn.nowMs());
      process.stdout.write(
        values.json
          ? `${JSON.stringify({ plan_id: file.plan_id, outcomes })}\n`
          : renderOutcomes(file.plan_id, outcomes),
      );
      return outcomes.every((o) => o.status === 'restored' || o.status === 'already_restored') ? 0 : 1;
    } finally {
      await conn.close();
    }
  }
  throw new UsageError(`restore takes plan or apply, not '${sub}'; run 'postflight restore --help'`);
}

/** Who approved: the CI actor or the person at the terminal, as the audit entry names them. */
function approver(): string {
  return process.env.GITHUB_ACTOR ?? process.env.USER ?? userInfo().username;
}
