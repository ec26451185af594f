// Feishu card markdown and message text → safe HTML. Only the constructs Feishu renders are
// turned into markup (bold, strike, code, links, <at> mentions, <font>, <text_tag>, list
// dashes); everything else is shown as the literal text it is, entities decoded.

const ENTITY = /&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot|apos|nbsp);/gi;
const NAMED = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s) {
  return s.replace(ENTITY, (_, e) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    if (k.startsWith('#')) return String.fromCodePoint(Number(k.slice(1)));
    return NAMED[k];
  });
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const literal = (s) => escapeHtml(decodeEntities(s));
const safeColor = (c) => (/^[a-z-]{1,20}$/i.test(c) ? c.toLowerCase() : 'default');

function mention(id, fallback, names) {
  const name = id === 'all' ? 'all' : names.get(id) || fallback || id;
  return `<span class="mention" title="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
}

function link(label, href) {
  const url = decodeEntities(href);
  const text = literal(label || url);
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

const TOKEN = new RegExp(
  [
    /<at\s+id=["']?([^"'>\s]+)["']?\s*>([^<]*)<\/at>/.source, // 1 id, 2 name (card markdown)
    /<at\s+user_id=["']?([^"'>\s]+)["']?\s*>([^<]*)<\/at>/.source, // 3 id, 4 name (text messages)
    /<font\s+color=["']?([\w-]+)["']?\s*>/.source, // 5
    /<\/font>/.source,
    /<text_tag\s+color=["']?([\w-]+)["']?\s*>/.source, // 6
    /<\/text_tag>/.source,
    /\*\*/.source,
    /~~/.source,
    /`([^`\n]+)`/.source, // 7
    /\[([^\]\n]*)\]\(([^)\s]+)\)/.source, // 8 label, 9 href
    /\n/.source,
  ].join('|'),
  'g',
);

/** Markdown (card `markdown` elements) → HTML. `names` maps open_id → display name. */
export function renderMarkdown(source, names = new Map()) {
  const src = String(source ?? '');
  const out = [];
  const open = [];
  const push = (kind, html) => {
    open.push(kind);
    out.push(html);
  };
  const closeTo = (kind) => {
    const i = open.lastIndexOf(kind);
    if (i < 0) return false;
    while (open.length > i) out.push(closer(open.pop()));
    return true;
  };
  let at = 0;
  let lineStart = true;
  const text = (s) => {
    if (!s) return;
    if (lineStart && /^\s*[-*] /.test(s)) s = s.replace(/^(\s*)[-*] /, '$1• ');
    out.push(literal(s));
    lineStart = false;
  };
  for (const m of src.matchAll(TOKEN)) {
    text(src.slice(at, m.index));
    at = m.index + m[0].length;
    const t = m[0];
    if (m[1] !== undefined) out.push(mention(m[1], m[2], names));
    else if (m[3] !== undefined) out.push(mention(m[3], m[4], names));
    else if (m[5] !== undefined) push('font', `<span class="fc fc-${safeColor(m[5])}">`);
    else if (t === '</font>') closeTo('font');
    else if (m[6] !== undefined) push('tag', `<span class="tag tag-${safeColor(m[6])}">`);
    else if (t === '</text_tag>') closeTo('tag');
    else if (t === '**') {
      if (!closeTo('strong')) push('strong', '<strong>');
    } else if (t === '~~') {
      if (!closeTo('del')) push('del', '<del>');
    } else if (m[7] !== undefined) out.push(`<code>${literal(m[7])}</code>`);
    else if (m[8] !== undefined) out.push(link(m[8], m[9]));
    else if (t === '\n') {
      out.push('<br>');
      lineStart = true;
      continue;
    }
    lineStart = false;
  }
  text(src.slice(at));
  while (open.length) out.push(closer(open.pop()));
  return out.join('');
}

function closer(kind) {
  return kind === 'strong' ? '</strong>' : kind === 'del' ? '</del>' : '</span>';
}

/** A plain text message: only mentions are markup; line breaks kept. */
export function renderText(source, names = new Map()) {
  const src = String(source ?? '');
  const parts = [];
  let at = 0;
  const re = /<at\s+(?:user_)?id=["']?([^"'>\s]+)["']?\s*>([^<]*)<\/at>/g;
  for (const m of src.matchAll(re)) {
    parts.push(escapeHtml(src.slice(at, m.index)));
    parts.push(mention(m[1], m[2], names));
    at = m.index + m[0].length;
  }
  parts.push(escapeHtml(src.slice(at)));
  return parts.join('').replace(/\n/g, '<br>');
}

/** A rich-text (`post`) message: `{title, content: [[{tag, text, href, user_id}]]}`, any locale. */
export function renderPost(post, names = new Map()) {
  const body = post && (post.content ? post : post.zh_cn || post.en_us || Object.values(post)[0]);
  if (!body) return '';
  const title = body.title ? `<strong>${escapeHtml(body.title)}</strong><br>` : '';
  const lines = (body.content || []).map((line) =>
    (line || [])
      .map((n) => {
        if (n.tag === 'at') return mention(n.user_id, n.user_name, names);
        if (n.tag === 'a') return link(n.text, n.href);
        if (n.tag === 'md') return renderMarkdown(n.text || '', names);
        return escapeHtml(n.text || '');
      })
      .join(''),
  );
  return title + lines.join('<br>');
}
