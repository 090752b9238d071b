// The pieces the report page is made of: escaping, tables, figure tiles and the style sheet. The
// page is one file with nothing to fetch, so its style lives here too.

export function esc(s: string | number | null | undefined): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, cls = ''): string {
  if (rows.length === 0) return '<p class="none">None in this period.</p>';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  // Cells arrive escaped: some carry markup of their own (a verdict badge).
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

export function tile(label: string, value: string, note: string): string {
  return `<div class="tile"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="note">${esc(note)}</div></div>`;
}

export function badge(state: string | null, colours: Readonly<Record<string, string>>): string {
  if (state === null) return '';
  const colour = colours[state] ?? '#9e9e9e';
  return `<span class="badge" style="background:${colour}">${esc(state)}</span>`;
}

export function figure(kind: string, points: number, svg: string, caption: string): string {
  return `<figure class="chart" data-chart="${esc(kind)}" data-points="${points}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

export function utc(ms: number | null): string {
  return ms === null ? '' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}

export function minutes(m: number | null): string {
  if (m === null) return 'n/a';
  return m < 90 ? `${m.toFixed(0)} min` : `${(m / 60).toFixed(1)} h`;
}

export function short(version: string | null): string {
  return version === null ? '' : version.slice(0, 12);
}

export const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: #212121; background: #fafafa; }
header { background: #263238; color: #eceff1; padding: 16px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; font-size: 13px; color: #b0bec5; }
main { padding: 8px 32px 48px; max-width: 1000px; }
section { margin-top: 28px; }
h2 { font-size: 18px; border-bottom: 1px solid #cfd8dc; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 4px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; }
.tile { background: #fff; border: 1px solid #cfd8dc; border-radius: 6px; padding: 10px 14px; min-width: 200px; flex: 1; }
.tile .label { font-size: 12px; color: #607d8b; }
.tile .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
.tile .note { font-size: 12px; color: #78909c; }
figure.chart { margin: 8px 0; background: #fff; border: 1px solid #eceff1; border-radius: 6px; display: inline-block; }
figure.chart figcaption { font-size: 12px; color: #607d8b; padding: 0 8px 6px; max-width: 940px; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; }
.charts figure.chart figcaption { max-width: 440px; }
table { border-collapse: collapse; font-size: 12px; background: #fff; margin: 8px 0; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #eceff1; padding: 4px 6px; vertical-align: top; }
th { background: #eceff1; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.badge { color: #fff; border-radius: 3px; padding: 1px 6px; font-size: 11px; white-space: nowrap; }
.deployment { background: #fff; border: 1px solid #cfd8dc; border-radius: 6px; padding: 8px 14px; margin: 14px 0; }
.deployment p { margin: 4px 0; font-size: 13px; }
.none, .more { color: #78909c; font-size: 13px; }
code { font-size: 12px; }
`;
