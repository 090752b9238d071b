// `postflight precheck`: before a deploy, the schema the bundle declares against Unity Catalog,
// the deploy policy, and whether a rollback of this version would later be safe.

import { parseArgs } from 'node:util';
import { bundleConfigSchema, parseBundleJson, planSchema } from '../ci/bundle-outputs.js';
import { readPolicyFile } from '../config/read-policy-file.js';
import type { Logger } from '../log.js';
import { contractTables } from '../precheck/dbt-contracts.js';
import type { Finding } from '../precheck/finding.js';
import { resolvePrecheckPolicy } from '../precheck/policy-rules.js';
import { type PrecheckResult, runPrecheck } from '../precheck/run-precheck.js';
import { expectedStrategy, resolveRollbackPolicy } from '../rollback/policy.js';
import { ConfigError } from './args.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectFromFlags } from './ci-connection.js';
import { asConfigError, readInput } from './input-files.js';

export const PRECHECK_HELP = `postflight precheck --validate FILE [options]

Before a deploy: checks the schema of the tables the bundle writes against Unity Catalog, the deploy
policy, and whether rolling this version back later would be safe.

  --validate FILE       databricks bundle validate -t TARGET -o json (or --summary FILE)
  --plan FILE           databricks bundle plan -t TARGET -o json (the planned change per resource)
  --dbt-manifest FILE   a dbt project's target/manifest.json: its enforced model contracts declare
                        the new schema (repeat for several projects; needs --warehouse)
  --policy FILE         the policy file: its "precheck" rules and rollback strategy
  --json                print the result as one JSON object
${CONNECTION_HELP}
In GitHub Actions every finding is also an annotation.

Exit codes: 0 no error (warnings may be printed), 1 a check failed, 2 bad input or could not read.

Example:
  databricks bundle validate -t prod -o json > validate.json
  databricks bundle plan -t prod -o json > plan.json
  postflight precheck --validate validate.json --plan plan.json --dbt-manifest target/manifest.json --warehouse databricks
`;

/** GitHub's workflow command escaping: data, and property values. */
const escData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string) => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function annotation(f: Finding): string {
  const props = [
    `title=${escProp(`postflight precheck (${f.check})`)}`,
    ...(f.file ? [`file=${escProp(f.file)}`] : []),
  ];
  return `::${f.severity} ${props.join(',')}::${escData(`${f.subject}: ${f.message}`)}`;
}

function print(r: PrecheckResult, out: NodeJS.WritableStream): void {
  const errors = r.findings.filter((f) => f.severity === 'error');
  out.write(
    `precheck of ${r.bundle} for ${r.target}: ${errors.length} error(s), ${r.findings.length - errors.length} warning(s); a rollback later would be ${r.rollback.safety}\n`,
  );
  for (const f of r.findings) out.write(`  ${f.severity.toUpperCase()} [${f.check}] ${f.subject}: ${f.message}\n`);
  if (r.tablesNew.length) out.write(`  new tables (no schema to compare): ${r.tablesNew.join(', ')}\n`);
}

export async function runPrecheckCommand(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      validate: { type: 'string' },
      summary: { type: 'string' },
      plan: { type: 'string' },
      'dbt-manifest': { type: 'string', multiple: true },
      policy: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...CONNECTION_OPTIONS,
    },
  });
  if (values.help) {
    process.stdout.write(PRECHECK_HELP);
    return 0;
  }
  const configFlag = values.validate !== undefined ? 'validate' : values.summary !== undefined ? 'summary' : null;
  if (configFlag === null) {
    throw new ConfigError(
      'precheck needs the resolved bundle: --validate FILE (databricks bundle validate -t TARGET -o json)',
    );
  }
  const manifests = values['dbt-manifest'] ?? [];
  if (manifests.length && values.warehouse === undefined) {
    throw new ConfigError('--dbt-manifest needs --warehouse: the current columns are read from Unity Catalog');
  }
  const inputs = asConfigError(() => {
    const path = (values.validate ?? values.summary)!;
    const fix = `write it with 'databricks bundle ${configFlag} -t TARGET -o json'`;
    const planFix = "write it with 'databricks bundle plan -o json'";
    return {
      config: parseBundleJson(bundleConfigSchema, readInput(configFlag, path), `--${configFlag} ${path}`, fix),
      plan: values.plan
        ? parseBundleJson(planSchema, readInput('plan', values.plan), `--plan ${values.plan}`, planFix)
        : null,
      declared: manifests.flatMap((m) => contractTables(readInput('dbt-manifest', m), `--dbt-manifest ${m}`)),
    };
  });
  const policies = values.policy
    ? await readPolicyFile(values.policy).catch((e: Error) => {
        throw new ConfigError(e.message);
      })
    : undefined;
  const policy = (() => {
    try {
      return resolvePrecheckPolicy(policies?.precheck);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  })();
  const strategy = expectedStrategy(resolveRollbackPolicy(policies?.rollback), inputs.config.bundle.name);
  const conn = values.warehouse === undefined ? null : await connectFromFlags(values, log);
  try {
    const result = await runPrecheck({ ...inputs, policy, strategy, nowMs: Date.now() }, conn);
    if (process.env.GITHUB_ACTIONS === 'true')
      for (const f of result.findings) process.stdout.write(`${annotation(f)}\n`);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({
          bundle: result.bundle,
          target: result.target,
          errors: result.findings.filter((f) => f.severity === 'error').length,
          warnings: result.findings.filter((f) => f.severity === 'warning').length,
          findings: result.findings,
          rollback: { safety: result.rollback.safety, reasons: result.rollback.reasons },
          tables_compared: result.tablesCompared,
          tables_new: result.tablesNew,
        })}\n`,
      );
    } else print(result, process.stdout);
    return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    await conn?.close();
  }
}
