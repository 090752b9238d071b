// Reads a serialized AI/BI (Lakeview) dashboard, the .lvdash.json a bundle deploys, and checks it
// the way the dashboard service would: datasets with names and query lines, canvas pages whose
// widgets sit on the 6-column grid without overlapping, widget specs of known types and versions,
// and every encoding naming a field of its widget's query. Widget fields are kept to a column or
// an aggregate of one, so each widget's query can also be run on the embedded warehouse.

import { parameterNames } from '../../src/warehouse/sql-template.js';

export interface Dataset {
  readonly name: string;
  readonly displayName: string;
  readonly queryLines: readonly string[];
}
export interface Field {
  readonly name: string;
  readonly expression: string;
}
export interface WidgetQuery {
  readonly datasetName: string;
  readonly fields: readonly Field[];
  readonly disaggregated: boolean;
}
export interface LayoutItem {
  readonly widget: {
    readonly name: string;
    readonly queries?: ReadonlyArray<{ readonly name: string; readonly query: WidgetQuery }>;
    readonly spec?: {
      readonly version: number;
      readonly widgetType: string;
      readonly encodings: Record<string, unknown>;
    };
    readonly multilineTextboxSpec?: { readonly lines: readonly string[] };
  };
  readonly position: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}
export interface Page {
  readonly name: string;
  readonly displayName: string;
  readonly pageType: string;
  readonly layout: readonly LayoutItem[];
}
export interface Dashboard {
  readonly datasets: readonly Dataset[];
  readonly pages: readonly Page[];
}

/** Widget types the dashboard uses, with the spec version the dashboard service writes for each. */
export const WIDGET_VERSIONS: Readonly<Record<string, number>> = { counter: 2, table: 1, line: 3, bar: 3 };
const GRID_WIDTH = 6;
const COLUMN = /^`([^`]+)`$/;
const AGGREGATE = /^(SUM|AVG|MIN|MAX|COUNT)\(`([^`]+)`\)$/;
const SCALES = new Set(['temporal', 'quantitative', 'categorical']);

export const datasetSql = (d: Dataset): string => d.queryLines.join('');

/** The dataset column a field expression reads, and whether it aggregates it. */
export function fieldColumn(f: Field): { column: string; aggregate: boolean } | null {
  const col = COLUMN.exec(f.expression);
  if (col) return { column: col[1]!, aggregate: false };
  const agg = AGGREGATE.exec(f.expression);
  return agg ? { column: agg[2]!, aggregate: true } : null;
}

/** Everything wrong with the dashboard's structure; empty when it is well formed. */
export function dashboardProblems(d: Dashboard): string[] {
  const problems: string[] = [];
  const datasets = new Map<string, Dataset>();
  for (const ds of d.datasets ?? []) {
    if (!ds.name || datasets.has(ds.name)) problems.push(`dataset '${ds.name}': missing or repeated name`);
    datasets.set(ds.name, ds);
    if (!ds.displayName) problems.push(`dataset ${ds.name}: no displayName`);
    if (!Array.isArray(ds.queryLines) || ds.queryLines.length === 0) problems.push(`dataset ${ds.name}: no queryLines`);
    const sql = datasetSql(ds);
    if (sql.includes('{{')) problems.push(`dataset ${ds.name}: a {{placeholder}} is never expanded in a dashboard`);
    if (parameterNames(sql).length) problems.push(`dataset ${ds.name}: parameters without a definition`);
  }
  if (!d.pages?.length) problems.push('no pages');
  const pageNames = new Set<string>();
  const widgetNames = new Set<string>();
  for (const page of d.pages ?? []) {
    if (!page.name || pageNames.has(page.name)) problems.push(`page '${page.name}': missing or repeated name`);
    pageNames.add(page.name);
    if (!page.displayName) problems.push(`page ${page.name}: no displayName`);
    if (page.pageType !== 'PAGE_TYPE_CANVAS') problems.push(`page ${page.name}: pageType ${page.pageType}`);
    const cells = new Map<string, string>();
    for (const item of page.layout ?? []) {
      const w = item.widget;
      const where = `page ${page.name}, widget ${w?.name}`;
      if (!w?.name || widgetNames.has(w.name)) problems.push(`${where}: missing or repeated name`);
      widgetNames.add(w.name);
      problems.push(...positionProblems(item, where, cells));
      if (w.multilineTextboxSpec) {
        if (!w.multilineTextboxSpec.lines?.length) problems.push(`${where}: empty text`);
        continue;
      }
      problems.push(...widgetProblems(item, where, datasets));
    }
  }
  return problems;
}

function positionProblems(item: LayoutItem, where: string, cells: Map<string, string>): string[] {
  const p = item.position;
  if (![p?.x, p?.y, p?.width, p?.height].every(Number.isInteger) || p.x < 0 || p.y < 0 || p.width < 1 || p.height < 1)
    return [`${where}: position ${JSON.stringify(p)}`];
  if (p.x + p.width > GRID_WIDTH) return [`${where}: wider than the ${GRID_WIDTH}-column grid`];
  const out: string[] = [];
  for (let x = p.x; x < p.x + p.width; x++)
    for (let y = p.y; y < p.y + p.height; y++) {
      const other = cells.get(`${x},${y}`);
      if (other) out.push(`${where}: overlaps ${other} at ${x},${y}`);
      cells.set(`${x},${y}`, item.widget.name);
    }
  return out;
}

function widgetProblems(item: LayoutItem, where: string, datasets: ReadonlyMap<string, Dataset>): string[] {
  const { spec, queries } = item.widget;
  if (!spec || !queries) return [`${where}: neither text nor a spec with queries`];
  const out: string[] = [];
  if (WIDGET_VERSIONS[spec.widgetType] !== spec.version)
    out.push(`${where}: widgetType ${spec.widgetType} version ${spec.version} is not one this dashboard writes`);
  if (queries.length !== 1 || queries[0]!.name !== 'main_query') out.push(`${where}: one main_query expected`);
  const q = queries[0]?.query;
  if (!q || !datasets.has(q.datasetName)) return [...out, `${where}: unknown dataset ${q?.datasetName}`];
  const names = new Set<string>();
  let aggregates = 0;
  for (const f of q.fields) {
    if (names.has(f.name)) out.push(`${where}: field ${f.name} twice`);
    names.add(f.name);
    const c = fieldColumn(f);
    if (!c) out.push(`${where}: expression ${f.expression} is neither a column nor an aggregate of one`);
    else if (c.aggregate) aggregates++;
  }
  if (aggregates > 0 && q.disaggregated) out.push(`${where}: aggregates in a disaggregated query`);
  if (aggregates === 0 && !q.disaggregated) out.push(`${where}: an aggregated query without an aggregate`);
  const used = encodedFields(spec);
  for (const name of used) if (!names.has(name)) out.push(`${where}: encodes ${name}, not a field of its query`);
  for (const name of names) if (!used.includes(name)) out.push(`${where}: field ${name} is not shown`);
  if (spec.widgetType === 'line' || spec.widgetType === 'bar') {
    for (const axis of ['x', 'y', 'color']) {
      const e = spec.encodings[axis] as { scale?: { type?: string } } | undefined;
      if (axis !== 'color' && !e) out.push(`${where}: no ${axis} encoding`);
      if (e && !SCALES.has(e.scale?.type ?? '')) out.push(`${where}: ${axis} scale ${e.scale?.type}`);
    }
  }
  return out;
}

/** Field names a spec's encodings show. */
export function encodedFields(spec: NonNullable<LayoutItem['widget']['spec']>): string[] {
  const e = spec.encodings as Record<string, { fieldName?: string } | Array<{ fieldName?: string }>>;
  if (spec.widgetType === 'table') return ((e.columns ?? []) as Array<{ fieldName?: string }>).map((c) => c.fieldName!);
  return Object.values(e).flatMap((v) =>
    (Array.isArray(v) ? v : [v]).map((x) => x.fieldName).filter(Boolean),
  ) as string[];
}

/**
 * A widget's query as SQL over its dataset, for an engine that quotes identifiers with double
 * quotes: the fields as columns, grouped by the plain ones when any aggregates.
 */
export function widgetSql(q: WidgetQuery, dataset: Dataset): string {
  const quote = (expr: string) => expr.replace(/`([^`]+)`/g, (_, c: string) => `"${c.replace(/"/g, '""')}"`);
  const select = q.fields.map((f) => `${quote(f.expression)} AS "${f.name.replace(/"/g, '""')}"`).join(', ');
  const groups = q.fields.filter((f) => !fieldColumn(f)?.aggregate).map((f) => quote(f.expression));
  const groupBy = q.disaggregated || groups.length === 0 ? '' : ` GROUP BY ${groups.join(', ')}`;
  return `SELECT ${select} FROM (${datasetSql(dataset)}) AS ds${groupBy}`;
}
