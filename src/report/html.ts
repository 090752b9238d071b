// The report page: one HTML file holding its style and its charts as inline SVG, nothing loaded
// from anywhere, so it can be mailed, attached to an incident or opened offline. The charts are
// drawn by the function given (the charting library's driver), the figures come from the model.

import {
  budgetChart,
  type ChartSpec,
  checkChart,
  doraChart,
  PALETTE,
  rollbackChart,
  STATUS_COLOURS,
  timelineChart,
  VERDICT_COLOURS,
} from './charts.js';
import { badge, esc, figure, minutes, pct, STYLE, short, table, tile, utc } from './html-parts.js';
import type { BadDeployment, ReportModel } from './model.js';

/** Draws a chart as inline SVG; `key` is unique in the page, for the SVG's own ids. */
export type Draw = (spec: ChartSpec, key: string) => string;

/** Rows a table shows before it says how many more there are. */
const TABLE_ROWS = 40;

export function renderReportHtml(m: ReportModel, draw: Draw): string {
  let drawn = 0;
  const chart = (spec: ChartSpec, caption: string) => {
    drawn += 1;
    return figure(spec.kind, spec.points, draw(spec, `c${drawn}`), caption);
  };
  const s = m.scope;
  const filters = [s.bundle ? `bundle ${s.bundle}` : 'every bundle', s.target ? `target ${s.target}` : 'every target'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>postflight report ${esc(utc(s.sinceMs))} to ${esc(utc(s.untilMs))}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>postflight: deployments and their verdicts</h1>
<p>${esc(utc(s.sinceMs))} to ${esc(utc(s.untilMs))} · ${esc(filters.join(', '))} · ${m.timeline.total} deployments</p>
</header>
<main>
<section id="timeline">
<h2>Timeline</h2>
${chart(timelineChart(m.timeline), `Every deployment of the period by the ${m.timeline.bucketMs < 86_400_000 ? 'hour' : 'day'} it finished, coloured by its verdict now.`)}
</section>
${doraSection(m, chart)}
${badSection(m, chart)}
${rollbackSection(m, chart)}
${budgetSection(m, chart)}
</main>
</body>
</html>
`;
}

type Chart = (spec: ChartSpec, caption: string) => string;

function doraSection(m: ReportModel, chart: Chart): string {
  const d = m.dora;
  const caught = d.caught
    .slice(0, TABLE_ROWS)
    .map((c) => [
      esc(utc(c.finishedMs)),
      esc(`${c.bundle} → ${c.target}`),
      `<code>${esc(short(c.version))}</code>`,
      badge(c.verdict, VERDICT_COLOURS),
      esc(c.reason ?? ''),
    ]);
  return `<section id="dora">
<h2>DORA</h2>
<div class="tiles">
${tile('Deploy frequency', `${d.deploysPerDay.toFixed(1)} / day`, `${d.deployments} deployments in ${d.days.toFixed(1)} days (rollback restores not counted)`)}
${tile('Change failure rate', pct(d.changeFailureRate), `${d.failed} of ${d.judged} judged deployments failed verification`)}
${tile('Time to restore', minutes(d.medianMinutesToRestore), `median over ${d.restored} restored of ${d.failed} failed`)}
${tile('Caught before they spread', `${d.caughtBeforeSpread} / ${d.failed}`, 'failed versions promoted to no other target afterwards')}
</div>
${d.perBucket.length > 0 ? chart(doraChart(d), `Deployments made by CI per UTC ${d.bucketMs < 86_400_000 ? 'hour' : 'day'}, and how many of them failed verification.`) : ''}
<h3>Bad deployments stopped where they failed</h3>
${table(['deployed', 'bundle → target', 'version', 'verdict', 'why'], caught)}
${more(d.caught.length)}
</section>`;
}

function badSection(m: ReportModel, chart: Chart): string {
  const cards = m.bad.map((b) => badCard(b, chart)).join('\n');
  return `<section id="bad">
<h2>Failed and degraded deployments (${m.bad.length})</h2>
<p class="more">Each check that failed or warned, look by look: the value observed after the deploy (red)
against the pre-deploy baseline of the same schedule slot (green, the shaded band its spread) and
the threshold the check holds it to (orange).</p>
${m.bad.length === 0 ? '<p class="none">None in this period.</p>' : cards}
</section>`;
}

function badCard(b: BadDeployment, chart: Chart): string {
  const d = b.deployment;
  const r = b.rollback;
  const rollback = r
    ? `<p>Rollback ${badge(r.state, {})} to <code>${esc(short(r.toVersion))}</code> (${esc(r.safety ?? '')}, ${esc(r.strategy ?? '')})${r.restoredVerdict ? `: restored version ${badge(r.restoredVerdict, VERDICT_COLOURS)}` : ''}${r.detail ? ` · ${esc(r.detail)}` : ''}</p>`
    : '';
  const charts = b.series.map((s) =>
    chart(checkChart(s), `${s.subject}${s.critical ? ' (critical)' : ''}: ${s.explanation ?? ''}`),
  );
  const failing = b.failing.map((s) => [
    badge(s.status, STATUS_COLOURS),
    esc(s.check),
    `<code>${esc(s.subject)}</code>`,
    esc(s.explanation ?? ''),
  ]);
  return `<div class="deployment" id="d-${esc(d.deploymentId)}">
<h3>${badge(d.verdict, VERDICT_COLOURS)} ${esc(d.bundle)} → ${esc(d.target)} <code>${esc(short(d.version))}</code></h3>
<p>${esc(utc(d.finishedMs))} by ${esc(d.actor ?? 'unknown')} · <code>${esc(d.deploymentId)}</code>${d.traceId ? ` · trace <code>${esc(d.traceId)}</code>` : ''}</p>
<p>${esc(d.reason ?? '')}</p>
${d.pageReason ? `<p><strong>Needs a human:</strong> ${esc(d.pageReason)}</p>` : ''}
${rollback}
${table(['status', 'check', 'subject', 'why'], failing)}
<div class="charts">${charts.join('\n')}</div>
${b.notCharted > 0 ? `<p class="more">${b.notCharted} more check(s) of this deployment not drawn: nothing measured yet, or beyond the ${b.series.length} charted.</p>` : ''}
</div>`;
}

function rollbackSection(m: ReportModel, chart: Chart): string {
  const rows = m.rollbacks
    .slice(0, TABLE_ROWS)
    .map((r) => [
      esc(utc(r.requestedMs)),
      esc(`${r.bundle} → ${r.target}`),
      `<code>${esc(short(r.fromVersion))}</code> → <code>${esc(short(r.toVersion))}</code>`,
      badge(r.state, {}),
      esc(r.safety ?? ''),
      r.restoredVerdict ? badge(r.restoredVerdict, VERDICT_COLOURS) : '',
      esc(r.pageReason ?? r.detail ?? r.reason ?? ''),
    ]);
  return `<section id="rollbacks">
<h2>Rollbacks (${m.rollbacks.length})</h2>
${m.rollbacks.length > 0 ? chart(rollbackChart(m.rollbackOutcomes), 'Rollbacks asked for in the period, by the state the ledger holds now.') : ''}
${table(['asked', 'bundle → target', 'from → to', 'state', 'safety', 'restored version', 'detail'], rows)}
${more(m.rollbacks.length)}
</section>`;
}

function budgetSection(m: ReportModel, chart: Chart): string {
  const rows = m.budgetSummary.map((b) => [
    esc(b.slo),
    esc(b.subjects),
    esc(b.exhausted),
    esc(b.paging),
    esc(b.ticketing),
    esc(pct(b.lowestRemaining)),
  ]);
  const drawn = m.budgets.length > 0;
  // The charts' legend, as a table: long subject names fit here and not in a chart.
  const legendRows = m.budgets.map((l, i) => [
    `<span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>`,
    `<code>${esc(l.subject)}</code>`,
    esc(l.slo),
    esc(pct(l.points.at(-1)?.remaining ?? null)),
    esc(l.alert ?? (l.exhausted ? 'spent' : '')),
  ]);
  return `<section id="budgets">
<h2>Error budgets and burn rates</h2>
${table(['SLO', 'subjects', 'budget spent', 'paging', 'ticket', 'lowest remaining'], rows)}
${drawn ? chart(budgetChart(m.budgets, 'remaining'), `The ${m.budgets.length} subjects whose budget ran lowest in the period, hour by hour (a budget overspent past -100 % is drawn at -100 %).`) : ''}
${drawn ? chart(budgetChart(m.budgets, 'burn1h'), 'Their burn rate over the last hour: at 1 the budget lasts exactly its period; the SRE page fires at 14.4 with the 5-minute rate confirming.') : ''}
${table(['', 'subject', 'SLO', 'remaining at the end', 'alert'], legendRows)}
</section>`;
}

function more(n: number): string {
  return n > TABLE_ROWS ? `<p class="more">and ${n - TABLE_ROWS} more</p>` : '';
}
