// The Databricks CLI outputs and dbt manifest of test/fixtures, parsed as postflight reads them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleConfigSchema, parseBundleJson, planSchema } from '../../src/ci/bundle-outputs.js';
import { contractTables } from '../../src/precheck/dbt-contracts.js';

export const FIXTURES = join(import.meta.dirname, '../fixtures');
export const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export const summaryFixture = parseBundleJson(bundleConfigSchema, fixtureText('databricks-cli/summary.json'), 's', '');
export const validateFixture = parseBundleJson(
  bundleConfigSchema,
  fixtureText('databricks-cli/validate.json'),
  'v',
  '',
);
export const planFixture = parseBundleJson(planSchema, fixtureText('databricks-cli/plan.json'), 'p', '');
export const declaredFixture = contractTables(fixtureText('dbt/manifest.json'), 'manifest.json');
