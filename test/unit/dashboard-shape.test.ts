// The dashboard file's structure check (test/support/lakeview.ts) passes on the dashboard as
// committed and finds what a broken one gets wrong.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Dashboard, dashboardProblems, widgetSql } from '../support/lakeview.js';

const load = (): Dashboard =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../dashboards/postflight.lvdash.json'), 'utf8')) as Dashboard;
type Mutable = {
  pages: Array<{ layout: Array<{ widget: Record<string, unknown>; position: Record<string, number> }> }>;
};

describe('the dashboard file', () => {
  it('is well formed as committed', () => {
    expect(dashboardProblems(load())).toEqual([]);
  });

  it('shows a widget off the grid, of an unknown type, or showing what its query lacks', () => {
    const d = load() as unknown as Mutable & Dashboard;
    const [first, second] = d.pages[0]!.layout.filter((i) => i.widget.spec);
    first!.position.x = 5;
    first!.position.width = 2;
    const spec = second!.widget.spec as { widgetType: string; encodings: Record<string, { fieldName: string }> };
    spec.widgetType = 'gauge';
    const table = d.pages[0]!.layout.find((i) => (i.widget.spec as { widgetType?: string })?.widgetType === 'table')!;
    (table.widget.spec as { encodings: { columns: Array<{ fieldName: string }> } }).encodings.columns[0]!.fieldName =
      'no_such_field';
    const problems = dashboardProblems(d);
    expect(problems.some((p) => /wider than the 6-column grid/.test(p))).toBe(true);
    expect(problems.some((p) => /widgetType gauge/.test(p))).toBe(true);
    expect(problems.some((p) => /encodes no_such_field, not a field of its query/.test(p))).toBe(true);
  });

  it('shows overlapping widgets and a dataset with a placeholder or an unknown name', () => {
    const d = load() as unknown as Mutable & Dashboard;
    const items = d.pages[1]!.layout;
    items[1]!.position = { ...items[2]!.position };
    (d.datasets[0] as unknown as { queryLines: string[] }).queryLines = ['SELECT * FROM {{ops}}.deployment_health'];
    const q = (items.find((i) => i.widget.queries)!.widget.queries as Array<{ query: { datasetName: string } }>)[0]!;
    q.query.datasetName = 'nowhere';
    const problems = dashboardProblems(d);
    expect(problems.some((p) => /overlaps/.test(p))).toBe(true);
    expect(problems.some((p) => /placeholder/.test(p))).toBe(true);
    expect(problems.some((p) => /unknown dataset nowhere/.test(p))).toBe(true);
  });

  it("writes a widget's query over its dataset, grouped by its plain fields when it aggregates", () => {
    const sql = widgetSql(
      {
        datasetName: 'd',
        disaggregated: false,
        fields: [
          { name: 'day', expression: '`day`' },
          { name: 'sum(deployments)', expression: 'SUM(`deployments`)' },
        ],
      },
      { name: 'd', displayName: 'd', queryLines: ['SELECT day, deployments\n', 'FROM dora'] },
    );
    expect(sql).toBe(
      'SELECT "day" AS "day", SUM("deployments") AS "sum(deployments)" FROM (SELECT day, deployments\nFROM dora) AS ds GROUP BY "day"',
    );
  });
});
