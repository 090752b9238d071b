// The one file that touches the charting library: an option in, an SVG string out, rendered on
// the server with no DOM, so the page carries its charts inline and loads nothing.

import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
} from 'echarts/components';
import { type EChartsCoreOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec } from './charts.js';

use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  SVGRenderer,
]);

/**
 * The chart as an inline SVG element. The library numbers its element ids and classes by a counter
 * of the process; they are renamed after `key`, unique in the page, so several charts share one
 * page without clashing and the same report renders to the same bytes.
 */
export function renderSvg(spec: ChartSpec, key: string): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: spec.width, height: spec.height });
  try {
    chart.setOption({ animation: false, ...spec.option } as EChartsCoreOption);
    // Inline SVG in HTML needs no namespace declarations, and the page must name no address at all.
    const names = new Map<string, string>();
    return chart
      .renderToSVGString()
      .replace(/ xmlns(:xlink)?="[^"]*"/g, '')
      .replace(/\bzr\d+-[\w-]+/g, (name) => {
        if (!names.has(name)) names.set(name, `${key}-${names.size}`);
        return names.get(name)!;
      })
      .replace('<svg ', `<svg role="img" aria-label="${spec.title.replace(/[<>&"]/g, '')}" `);
  } finally {
    chart.dispose();
  }
}
