/**
 * A schema-ish check of the VChart specs promduty puts in Feishu's `chart` card element, by
 * what Feishu's chart documentation asks of them: a known type, data values as plain rows,
 * and the fields the type maps (xField/yField for cartesian charts) present in every row,
 * the value field a number. Nothing but JSON: Feishu refuses JavaScript in a spec.
 */
const CARTESIAN = new Set(['bar', 'line', 'area', 'scatter']);
const POLAR = new Set(['pie', 'wordCloud']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function vchartProblems(spec: unknown): string[] {
  const out: string[] = [];
  if (!isObject(spec)) return ['chart_spec is not an object'];
  if (JSON.stringify(spec) !== JSON.stringify(JSON.parse(JSON.stringify(spec)))) out.push('chart_spec is not plain JSON');
  const type = spec.type;
  if (typeof type !== 'string' || !(CARTESIAN.has(type) || POLAR.has(type))) out.push(`type ${JSON.stringify(type)} is not a chart type Feishu documents`);
  const data = Array.isArray(spec.data) ? spec.data[0] : spec.data;
  const values = isObject(data) ? data.values : undefined;
  if (!Array.isArray(values) || values.length === 0) return [...out, 'data.values must be a non-empty array'];
  values.forEach((row, i) => {
    if (!isObject(row)) out.push(`data.values[${i}] is not an object`);
    else for (const [k, v] of Object.entries(row)) if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) out.push(`data.values[${i}].${k} is neither text nor a number`);
  });
  if (typeof type === 'string' && CARTESIAN.has(type)) {
    const horizontal = spec.direction === 'horizontal';
    const fields = { xField: spec.xField, yField: spec.yField };
    for (const [name, field] of Object.entries(fields)) {
      if (typeof field !== 'string' || !field) out.push(`${name} is missing`);
      else values.forEach((row, i) => isObject(row) && !(field in row) && out.push(`data.values[${i}] has no ${name} "${field}"`));
    }
    const valueField = horizontal ? spec.xField : spec.yField;
    if (typeof valueField === 'string') values.forEach((row, i) => isObject(row) && typeof row[valueField] !== 'number' && out.push(`data.values[${i}].${valueField} must be a number`));
  }
  if (spec.title !== undefined && !(isObject(spec.title) && typeof spec.title.text === 'string')) out.push('title must be {text}');
  return out;
}

/** Every chart element of a card (at any depth) with its spec's problems. */
export function chartsOf(card: unknown): { spec: unknown; problems: string[] }[] {
  const out: { spec: unknown; problems: string[] }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isObject(node)) {
      if (node.tag === 'chart') out.push({ spec: node.chart_spec, problems: vchartProblems(node.chart_spec) });
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return out;
}
