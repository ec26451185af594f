/**
 * Feishu's `chart` card element (card JSON 2.0): a VChart spec, rendered by the Feishu client.
 * Specs are plain data, never JavaScript (Feishu refuses functions in them), and use only what
 * renders on mobile too (no textures, no conical gradients). Feishu advises at most five
 * charts per card.
 */

/** One row of chart data: a category and a value. */
export type ChartDatum = Record<string, string | number>;

export interface BarChartSpec {
  type: 'bar';
  title: { text: string };
  data: { values: ChartDatum[] };
  xField: string;
  yField: string;
  /** Horizontal bars: `xField` is then the value and `yField` the category. */
  direction?: 'horizontal';
  label: { visible: true };
}

export interface Chart {
  tag: 'chart';
  chart_spec: BarChartSpec;
  aspect_ratio: '16:9' | '2:1' | '4:3' | '1:1';
  height: 'auto';
}

export const MAX_CHARTS_PER_CARD = 5;

/** Vertical bars: one per category (`x`), as tall as its value (`y`). */
export function columnChart(title: string, values: ChartDatum[], x: string, y: string): Chart {
  return {
    tag: 'chart',
    chart_spec: { type: 'bar', title: { text: title }, data: { values }, xField: x, yField: y, label: { visible: true } },
    aspect_ratio: '2:1',
    height: 'auto',
  };
}

/** Horizontal bars, for categories with long names (rule names): `category` down the side, `value` across. */
export function barChart(title: string, values: ChartDatum[], category: string, value: string): Chart {
  return {
    tag: 'chart',
    chart_spec: { type: 'bar', title: { text: title }, data: { values }, xField: value, yField: category, direction: 'horizontal', label: { visible: true } },
    aspect_ratio: '2:1',
    height: 'auto',
  };
}
