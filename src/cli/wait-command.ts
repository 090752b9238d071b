// `postflight wait --deployment ID [--until first|final] [--timeout D]`: blocks a CI step until the
// deployment's first or final verdict and exits by it.

import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type Until, waitForVerdict } from '../ci/wait.js';
import type { Logger } from '../log.js';
import { ConfigError } from './args.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { Progress } from './progress.js';

export const WAIT_HELP = `postflight wait --deployment ID [--until first|final] [--timeout D] [options]

Blocks until the deployment's first verdict (health within minutes of the rollout) or its final one
(the end of its verification window), showing progress on a terminal.

  --deployment ID   the id 'postflight record' printed
  --until first|final   default first
  --timeout D       how long to wait: 90s, 15m, 26h (default 15m for first, 26h for final)
  --interval S      seconds between looks (default 15)
  --json            print the outcome as one JSON object
${CONNECTION_HELP}
Exit codes: 0 the verdict lets CI go on (first: not FAILED or ROLLED_BACK; final: HEALTHY),
1 it does not, 2 timed out, no such deployment, or bad input.

Example:
  postflight wait --deployment "$DEPLOYMENT_ID" --until first --timeout 10m --warehouse databricks
`;

export function parseDuration(flag: string, value: string): number {
  const m = /^(\d{1,6})(s|m|h)$/.exec(value);
  if (!m)
    throw new ConfigError(
      `--${flag} '${value}' is not a duration; use a whole number with s, m or h, e.g. 90s, 15m, 26h`,
    );
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

export async function runWaitCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      deployment: { type: 'string' },
      until: { type: 'string', default: 'first' },
      timeout: { type: 'string' },
      interval: { type: 'string', default: '15' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  if (values.help) {
    process.stdout.write(WAIT_HELP);
    return 0;
  }
  if (!values.deployment) throw new ConfigError("--deployment is required: the id 'postflight record' printed");
  if (values.until !== 'first' && values.until !== 'final') {
    throw new ConfigError(`--until '${values.until}' is not understood; use first or final`);
  }
  const until: Until = values.until;
  const timeoutMs = parseDuration('timeout', values.timeout ?? (until === 'first' ? '15m' : '26h'));
  const intervalMs = parseDuration('interval', `${values.interval}s`);
  const id = values.deployment;
  const conn = await connectFromFlags(values, log);
  const progress = new Progress(process.stderr);
  try {
    const outcome = await waitForVerdict({
      read: async () => {
        const [row] = await conn.wh.query('gate/verdict', { bundle: '', version: '', target: '', deployment_id: id });
        if (!row) return 'unknown';
        if (row.state === null || row.state === undefined) return null;
        return {
          deploymentId: id,
          state: String(row.state),
          reason: (row.reason as string | null) ?? null,
          isFinal: row.is_final === true,
        };
      },
      until,
      timeoutMs,
      intervalMs,
      nowMs: () => Date.now(),
      sleep: (ms) => sleep(ms),
      onPoll: (v, waited) =>
        progress.update(
          `waiting for the ${until} verdict of ${id} (${v?.state ?? 'not judged yet'})`,
          Math.round(waited / 1000),
          Math.round(timeoutMs / 1000),
        ),
    });
    progress.done();
    const out =
      outcome.kind === 'verdict'
        ? {
            deployment_id: id,
            until,
            state: outcome.verdict.state,
            final: outcome.verdict.isFinal,
            reason: outcome.verdict.reason,
            ok: outcome.ok,
          }
        : outcome.kind === 'timeout'
          ? { deployment_id: id, until, timed_out: true, state: outcome.last?.state ?? null }
          : { deployment_id: id, until, unknown: true };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else if (outcome.kind === 'verdict') {
      process.stdout.write(
        `${id}: ${outcome.verdict.state}${outcome.verdict.isFinal ? ' (final)' : ''}${outcome.verdict.reason ? ` — ${outcome.verdict.reason}` : ''}\n`,
      );
    } else if (outcome.kind === 'timeout') {
      process.stdout.write(
        `${id}: no ${until} verdict within ${values.timeout ?? 'the default timeout'} (last: ${outcome.last?.state ?? 'not judged'})\n`,
      );
    } else {
      process.stdout.write(`${id}: no such deployment; check the id 'postflight record' printed and --warehouse\n`);
    }
    return outcome.kind === 'verdict' ? (outcome.ok ? 0 : 1) : 2;
  } finally {
    await conn.close();
  }
}
