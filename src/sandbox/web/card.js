// Feishu card JSON 2.0 → DOM, faithful enough to read and to click: header with template
// colour and tags, markdown, hr, column_set/column, buttons, selects, pickers, inputs, forms,
// charts (drawn as SVG bars from the VChart spec's data).
// Element kinds the sandbox does not know are shown as such, never dropped silently.
import { renderMarkdown } from './markdown.js';
import { renderChart } from './chart.js';
import { callbackValue, datePicker, h, hasCallback, input, plain, selectPerson, selectStatic } from './controls.js';

const safe = (s) => (/^[a-z_]{1,20}$/i.test(s || '') ? s.toLowerCase() : 'default');

/**
 * `ctx`: { names: Map(open_id → name), people: [{openId, name}], act(action) → Promise,
 * interactive: false for custom-bot cards, whose buttons Feishu does not call back }.
 */
export function renderCard(card, ctx) {
  const root = h('div', 'card');
  if (card.header) root.append(renderHeader(card.header));
  const body = h('div', 'card-body');
  const elements = (card.body && card.body.elements) || card.elements || [];
  for (const el of elements) body.append(renderElement(el, ctx, null));
  root.append(body);
  if (!ctx.interactive) root.classList.add('static');
  return root;
}

function renderHeader(hd) {
  const node = h('div', `card-header hd-${safe(hd.template)}`);
  const top = h('div', 'hd-top');
  top.append(h('div', 'hd-title', plain(hd.title)));
  const tags = h('div', 'hd-tags');
  for (const t of hd.text_tag_list || []) tags.append(h('span', `tag tag-${safe(t.color)}`, plain(t.text)));
  top.append(tags);
  node.append(top);
  // Titles and subtitles are plain_text: Feishu shows them as typed, markdown and all.
  if (hd.subtitle) node.append(h('div', 'hd-subtitle', plain(hd.subtitle)));
  return node;
}

function renderElement(el, ctx, form) {
  switch (el && el.tag) {
    case 'markdown':
    case 'lark_md':
      return markdown(el.content, el, ctx);
    case 'div':
      return markdown(el.text ? plain(el.text) : '', el, ctx);
    case 'plain_text':
      return h('div', 'md', plain(el));
    case 'hr':
      return h('hr', 'card-hr');
    case 'column_set':
      return columnSet(el, ctx, form);
    case 'button':
      return button(el, ctx, form);
    case 'select_static':
      return selectStatic(el, ctx, form);
    case 'select_person':
      return selectPerson(el, ctx, form);
    case 'date_picker':
      return datePicker(el, ctx, form);
    case 'input':
      return input(el, ctx, form);
    case 'form':
      return renderForm(el, ctx);
    case 'chart':
      return renderChart(el);
    case 'action': // card 1.0: a row of buttons and selects
      return columnSet({ flex_mode: 'flow', columns: (el.actions || []).map((a) => ({ width: 'auto', elements: [a] })) }, ctx, form);
    case 'note':
      return markdown((el.elements || []).map((e) => plain(e.content ?? e.text ?? e)).join(' '), { text_size: 'notation' }, ctx);
    default:
      return h('div', 'unsupported', `[${(el && el.tag) || 'untagged'} element: not rendered by the sandbox]`);
  }
}

function markdown(content, el, ctx) {
  const node = h('div', `md size-${safe(el.text_size || 'normal')} align-${safe(el.text_align || 'left')}`);
  node.innerHTML = renderMarkdown(content, ctx.names);
  return node;
}

function columnSet(el, ctx, form) {
  const node = h('div', `cols flex-${safe(el.flex_mode || 'none')} gap-${safe(el.horizontal_spacing || 'medium')}`);
  for (const col of el.columns || []) {
    const c = h('div', `col valign-${safe(col.vertical_align || 'top')}`);
    c.style.flex = col.width === 'weighted' ? `${Number(col.weight) || 1} 1 0` : '0 0 auto';
    for (const child of col.elements || []) c.append(renderElement(child, ctx, form));
    node.append(c);
  }
  return node;
}

function confirmed(el) {
  if (!el.confirm) return true;
  return window.confirm(`${plain(el.confirm.title)}\n\n${plain(el.confirm.text)}`);
}

function button(el, ctx, form) {
  const node = h('button', `btn btn-${safe(el.type || 'default')} size-${safe(el.size || 'medium')}`, plain(el.text));
  node.type = 'button';
  if (el.width === 'fill') node.classList.add('fill');
  const url = (el.behaviors || []).find((b) => b.type === 'open_url');
  node.addEventListener('click', () => {
    if (url) {
      window.open(url.default_url || url.url, '_blank', 'noopener');
      return;
    }
    if (form && el.form_action_type === 'reset') {
      form.reset();
      return;
    }
    if (!confirmed(el)) return;
    if (form && el.form_action_type === 'submit') {
      const formValue = form.collect();
      if (formValue) ctx.act({ tag: 'button', value: callbackValue(el), name: el.name, formValue });
      return;
    }
    if (hasCallback(el)) ctx.act({ tag: 'button', value: callbackValue(el), name: el.name });
  });
  return node;
}

/** A form: its controls register fields; a submit button collects them into `form_value`. */
function renderForm(el, ctx) {
  const node = h('form', 'card-form');
  node.addEventListener('submit', (e) => e.preventDefault());
  const form = {
    fields: [],
    reset: () => node.reset(),
    /** The values by name, or null (and the missing fields marked) when a required one is empty. */
    collect() {
      const values = {};
      let ok = true;
      for (const f of form.fields) {
        const v = f.read();
        const empty = v === undefined || v === '';
        f.node.classList.toggle('missing', f.required && empty);
        if (f.required && empty) ok = false;
        if (v !== undefined) values[f.name] = v;
      }
      return ok ? values : null;
    },
  };
  for (const child of el.elements || []) node.append(renderElement(child, ctx, form));
  return node;
}
