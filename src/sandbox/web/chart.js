// Feishu's `chart` card element (a VChart spec) → a simple SVG bar chart. Feishu draws the
// spec with VChart; the sandbox only needs to show what the data says, so it draws bars (and
// a line or area as bars too) from `data.values` and `xField`/`yField` by hand: a few dozen
// lines instead of a charting library in a page that has no build step.

const SVG = 'http://www.w3.org/2000/svg';
const W = 560;
const PAD = { top: 30, right: 16, bottom: 34, left: 40 };
const HORIZONTAL_LABEL = 150;

/** The rows of a spec's data: `{values}` or `[{id, values}]` (the first). */
function valuesOf(spec) {
  const data = Array.isArray(spec.data) ? spec.data[0] : spec.data;
  return data && Array.isArray(data.values) ? data.values : null;
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * The bars to draw, in SVG units: `{width, height, title, horizontal, bars: [{x, y, w, h, label,
 * value}], max}`, or `{error}` naming what the spec lacks. Pure, so Node tests check it.
 */
export function chartLayout(spec) {
  if (!spec || typeof spec !== 'object') return { error: 'chart_spec is not an object' };
  if (!['bar', 'line', 'area'].includes(spec.type)) return { error: `chart type ${JSON.stringify(spec.type)} is not drawn by the sandbox` };
  const values = valuesOf(spec);
  if (!values) return { error: 'chart_spec.data has no values' };
  const horizontal = spec.direction === 'horizontal';
  const categoryField = horizontal ? spec.yField : spec.xField;
  const valueField = horizontal ? spec.xField : spec.yField;
  if (typeof categoryField !== 'string' || typeof valueField !== 'string') return { error: 'chart_spec needs xField and yField' };
  const rows = values.map((v) => ({ label: String(v?.[categoryField] ?? ''), value: finite(v?.[valueField]) ? v[valueField] : 0 }));
  const max = Math.max(1, ...rows.map((r) => r.value));
  const title = typeof spec.title?.text === 'string' ? spec.title.text : '';
  const bars = [];
  if (horizontal) {
    const band = 26;
    const height = PAD.top + rows.length * band + 8;
    const span = W - HORIZONTAL_LABEL - PAD.right - 30;
    rows.forEach((r, i) => bars.push({ x: HORIZONTAL_LABEL, y: PAD.top + i * band + 4, w: (r.value / max) * span, h: band - 8, label: r.label, value: r.value }));
    return { width: W, height, title, horizontal, bars, max };
  }
  const height = 240;
  const plot = { w: W - PAD.left - PAD.right, h: height - PAD.top - PAD.bottom };
  const band = rows.length ? plot.w / rows.length : plot.w;
  rows.forEach((r, i) => {
    const h = (r.value / max) * plot.h;
    bars.push({ x: PAD.left + i * band + band * 0.15, y: PAD.top + plot.h - h, w: band * 0.7, h, label: r.label, value: r.value });
  });
  return { width: W, height, title, horizontal, bars, max };
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The element as a DOM node: an SVG, or a note saying why it cannot be drawn. */
export function renderChart(element) {
  const layout = chartLayout(element.chart_spec);
  const box = document.createElement('div');
  box.className = 'chart';
  if (layout.error) {
    box.classList.add('unsupported');
    box.textContent = `[chart: ${layout.error}]`;
    return box;
  }
  const svg = el('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img', 'aria-label': layout.title || 'chart' });
  if (layout.title) svg.append(el('text', { x: 8, y: 18, class: 'chart-title' }, layout.title));
  const base = layout.horizontal ? null : layout.height - PAD.bottom;
  if (base !== null) svg.append(el('line', { x1: PAD.left, x2: layout.width - PAD.right, y1: base, y2: base, class: 'chart-axis' }));
  // Show every label when they fit, else every n-th, so a month of days stays legible.
  const every = layout.horizontal ? 1 : Math.ceil(layout.bars.length / 16);
  layout.bars.forEach((b, i) => {
    svg.append(el('rect', { x: b.x, y: b.y, width: Math.max(0, b.w), height: Math.max(0, b.h), class: 'chart-bar', 'data-value': b.value }));
    if (layout.horizontal) {
      svg.append(el('text', { x: b.x - 6, y: b.y + b.h / 2 + 4, 'text-anchor': 'end', class: 'chart-label' }, b.label));
      svg.append(el('text', { x: b.x + b.w + 4, y: b.y + b.h / 2 + 4, class: 'chart-value' }, String(b.value)));
      return;
    }
    if (i % every === 0) svg.append(el('text', { x: b.x + b.w / 2, y: base + 16, 'text-anchor': 'middle', class: 'chart-label' }, b.label));
    if (b.value) svg.append(el('text', { x: b.x + b.w / 2, y: b.y - 3, 'text-anchor': 'middle', class: 'chart-value' }, String(b.value)));
  });
  box.append(svg);
  return box;
}
