// `postflight gate --bundle B --version V --to TARGET`: passes (exit 0) only when V may be promoted
// to TARGET; otherwise says exactly why (exit 1).

import { parseArgs } from 'node:util';
import type { CostRise, TargetCostBudget } from '../budget/cost-gate.js';
import { DEFAULT_ORDER, decideGate, type PriorDeployment, previousEnvironment } from '../ci/gate.js';
import type { Logger } from '../log.js';
import type { Row } from '../warehouse/port.js';
import { ConfigError } from './args.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';

export const GATE_HELP = `postflight gate --bundle B --version V --to TARGET [options]

Passes only when version V of bundle B was HEALTHY in the environment before TARGET for its whole
verification window, is not quarantined, TARGET's error budget is not exhausted, and no cost rise
its cost check verified would take TARGET over its monthly cost budget (costBudgets in the policy).

  --from ENV        the environment V is promoted from (default: the one before TARGET in --order)
  --order LIST      the promotion order (default ${DEFAULT_ORDER.join(',')})
  --fix             the change is a fix: it may pass an exhausted error budget or the cost budget
  --accept-cost     the cost rise is meant: it may take TARGET over its cost budget
  --json            print the decision as one JSON object
${CONNECTION_HELP}
Exit codes: 0 may be promoted, 1 refused (the reasons are printed), 2 bad input or could not read.

Example:
  postflight gate --bundle sales_etl --version "$GITHUB_SHA" --to prod --warehouse databricks
`;

const DAY = 86_400_000;

export async function runGateCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bundle: { type: 'string' },
      version: { type: 'string' },
      to: { type: 'string' },
      from: { type: 'string' },
      order: { type: 'string' },
      fix: { type: 'boolean', default: false },
      'accept-cost': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  if (values.help) {
    process.stdout.write(GATE_HELP);
    return 0;
  }
  for (const flag of ['bundle', 'version', 'to'] as const) {
    if (!values[flag]) throw new ConfigError(`--${flag} is required; run 'postflight gate --help' for an example`);
  }
  const bundle = values.bundle!;
  const version = values.version!;
  const to = values.to!;
  const order = values.order ? values.order.split(',').map((e) => e.trim()) : DEFAULT_ORDER;
  const derived = previousEnvironment(order, to);
  if (values.from === undefined && derived === undefined) {
    throw new ConfigError(
      `--to ${to} is not in the promotion order ${order.join(',')}; pass --from ENV or --order LIST`,
    );
  }
  const from = values.from ?? derived ?? null;
  const conn = await connectFromFlags(values, log);
  try {
    const { wh } = conn;
    const [prior, quarantined, budgets, cost] = await Promise.all([
      from === null
        ? Promise.resolve([])
        : wh.query('gate/verdict', { bundle, version, target: from, deployment_id: '' }),
      wh.query('gate/quarantined', { bundle, version }),
      wh.query('gate/budget_frozen', { bundle, target: to, since_ms: conn.nowMs() - DAY }),
      from === null
        ? Promise.resolve([])
        : wh.query('gate/cost_rise', {
            bundle,
            version,
            from_target: from,
            to_target: to,
            // Cost budgets are kept hourly from billing hours late: a day old is still the month's.
            since_ms: conn.nowMs() - 2 * DAY,
          }),
    ]);
    const p = prior[0];
    const decision = decideGate({
      bundle,
      version,
      to,
      from,
      prior: p
        ? ({
            deploymentId: String(p.deployment_id),
            status: String(p.status),
            state: (p.state as string | null) ?? null,
            reason: (p.reason as string | null) ?? null,
            isFinal: p.is_final === true,
          } satisfies PriorDeployment)
        : null,
      quarantined: quarantined.map((q) => ({
        target: String(q.target),
        version: String(q.version),
        reason: String(q.reason),
      })),
      budgets: budgets.map((b) => ({
        subject: String(b.subject),
        slo: String(b.slo),
        exhausted: b.exhausted === true,
        budgetRemaining: Number(b.budget_remaining),
        deploymentId: (b.deployment_id as string | null) ?? null,
        explanation: String(b.explanation ?? ''),
      })),
      isFix: values.fix,
      cost: { ...costFacts(cost), acceptCost: values['accept-cost'] },
    });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ bundle, version, from, to, pass: decision.pass, reasons: decision.reasons })}\n`,
      );
    } else if (decision.pass) {
      process.stdout.write(`gate passed: ${bundle}@${version.slice(0, 12)} may be promoted to ${to}\n`);
    } else {
      process.stdout.write(`gate refused: ${bundle}@${version.slice(0, 12)} may not be promoted to ${to}\n`);
      for (const r of decision.reasons) process.stdout.write(`  - ${r}\n`);
    }
    return decision.pass ? 0 : 1;
  } finally {
    await conn.close();
  }
}

/** The rows of gate/cost_rise as the gate reads them: the rises verified, the target's budget. */
export function costFacts(rows: readonly Row[]): { rises: CostRise[]; budget: TargetCostBudget | null } {
  const rises: CostRise[] = rows
    .filter(
      (r) => r.kind === 'rise' && (r.status === 'WARN' || r.status === 'FAIL') && Number.isFinite(Number(r.effect)),
    )
    .map((r) => ({
      subject: String(r.subject),
      resourceKey: String(r.resource_key),
      status: r.status as 'WARN' | 'FAIL',
      effect: Number(r.effect),
      deploymentId: String(r.deployment_id),
    }));
  const b = rows.find((r) => r.kind === 'budget');
  if (!b) return { rises, budget: null };
  let burnByResource: Record<string, number> = {};
  try {
    const parsed = JSON.parse(String(b.burn_by_resource ?? '{}')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      burnByResource = Object.fromEntries(
        Object.entries(parsed as Record<string, unknown>).filter(
          ([, v]) => typeof v === 'number' && Number.isFinite(v),
        ),
      ) as Record<string, number>;
  } catch {
    // An unreadable map prices no subject: the gate then sees no rise in dollars, and says so in its figures.
  }
  return {
    rises,
    budget: {
      budgetUsd: b.budget_usd === null || b.budget_usd === undefined ? null : Number(b.budget_usd),
      burnUsdPerDay: Number(b.burn_usd_per_day ?? 0),
      projectedUsd: Number(b.projected_usd ?? 0),
      burnByResource,
      monthStartMs: Number(b.month_start_ms),
    },
  };
}
