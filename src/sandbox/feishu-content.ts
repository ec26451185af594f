/**
 * What Feishu checks in message content before accepting it, as far as promduty can get
 * it wrong: size limits, JSON shape, cards whose elements lack a tag, charts without a spec.
 */
const KB = 1024;

/** Request-body limits (bytes of the whole HTTP body, as Feishu measures them). */
export const BODY_LIMIT = {
  text: 150 * KB,
  /** Cards, rich text and everything else sent by the app bot. */
  other: 30 * KB,
  /** The custom-bot webhook (Feishu's custom bot guide: 20 KB). */
  webhook: 20 * KB,
} as const;

export const appBodyLimit = (msgType: string): number => (msgType === 'text' ? BODY_LIMIT.text : BODY_LIMIT.other);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object in any `elements` array (at any depth) must name its `tag`. */
function untaggedElement(node: unknown, path: string): string | undefined {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = untaggedElement(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'elements' && Array.isArray(value)) {
      const bad = value.findIndex((el) => !isObject(el) || typeof el.tag !== 'string' || el.tag === '');
      if (bad >= 0) return `${path}.elements[${bad}] has no tag`;
      const chart = value.findIndex((el) => el.tag === 'chart' && !(isObject(el.chart_spec) && typeof el.chart_spec.type === 'string'));
      if (chart >= 0) return `${path}.elements[${chart}] is a chart without a chart_spec naming its type`;
    }
    const found = untaggedElement(value, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Why Feishu would refuse this card, or undefined when it would render it. */
export function cardProblem(card: unknown): string | undefined {
  if (!isObject(card)) return 'card must be a JSON object';
  if (card.type === 'template') return isObject(card.data) ? undefined : 'template card needs data';
  if (card.schema === '2.0') {
    if (!isObject(card.body) || !Array.isArray(card.body.elements)) return 'schema 2.0 card needs body.elements';
  } else if (card.schema !== undefined) {
    return `unknown card schema ${JSON.stringify(card.schema)}`;
  }
  return untaggedElement(card, 'card');
}

/** Why this content does not fit its msg_type, or undefined. Cards are checked separately. */
export function contentProblem(msgType: string, content: unknown): string | undefined {
  if (!isObject(content)) return 'content must be a JSON object';
  if (msgType === 'text' && typeof content.text !== 'string') return 'text content needs a string "text"';
  return undefined;
}

/** App-bot content arrives as a JSON string inside the JSON body. */
export function parseContentString(raw: unknown): { content: unknown } | { problem: string } {
  if (typeof raw !== 'string') return { problem: 'content must be a JSON string' };
  try {
    return { content: JSON.parse(raw) };
  } catch {
    return { problem: 'content is not valid JSON' };
  }
}
