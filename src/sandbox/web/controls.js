// Card input controls (select_static, select_person, date_picker, input). Inside a form each
// registers a field the submit button reads into `form_value`; outside a form a choice is a
// callback of its own (`action.option`), as in Feishu.

export function h(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export const plain = (t) => (t && typeof t === 'object' ? String(t.content ?? '') : String(t ?? ''));

/** The callback value of an element: 2.0 `behaviors`, or the 1.0 element-level `value`. */
export function callbackValue(el) {
  const b = (el.behaviors || []).find((x) => x.type === 'callback');
  return b ? b.value : el.value;
}
export const hasCallback = (el) => (el.behaviors || []).some((x) => x.type === 'callback') || el.value !== undefined;

/** "+0800": Feishu's date picker hands back the date with the picker's zone offset. */
function zoneSuffix() {
  const off = -new Date().getTimezoneOffset();
  const abs = Math.abs(off);
  return `${off >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function widthClass(el, node) {
  if (el.width === 'fill') node.classList.add('fill');
  return node;
}

/** A `<select>` with a placeholder entry; `choices` are [value, label]. */
function select(el, choices, initial) {
  const s = widthClass(el, h('select', 'ctl'));
  const ph = h('option', '', plain(el.placeholder) || 'Choose…');
  ph.value = '';
  ph.disabled = true;
  s.append(ph);
  for (const [value, label] of choices) {
    const o = h('option', '', label);
    o.value = value;
    s.append(o);
  }
  s.value = initial ?? '';
  if (s.value !== (initial ?? '')) s.value = '';
  if (!s.value) ph.selected = true;
  return s;
}

/** A control that reports a choice: a form field inside a form, else a callback on change. */
function choice(el, node, read, ctx, form) {
  if (form) {
    if (el.name) form.fields.push({ name: el.name, required: !!el.required, read, node });
  } else if (hasCallback(el)) {
    node.addEventListener('change', () => {
      const option = read();
      if (option) ctx.act({ tag: el.tag, value: callbackValue(el), option, name: el.name });
    });
  }
  return node;
}

export function selectStatic(el, ctx, form) {
  const choices = (el.options || []).map((o) => [String(o.value), plain(o.text)]);
  const node = select(el, choices, el.initial_option);
  return choice(el, node, () => node.value || undefined, ctx, form);
}

export function selectPerson(el, ctx, form) {
  const ids = el.options && el.options.length ? el.options.map((o) => o.value) : ctx.people.map((p) => p.openId);
  const node = select(el, ids.map((id) => [id, ctx.names.get(id) || id]), el.initial_option);
  node.classList.add('person');
  return choice(el, node, () => node.value || undefined, ctx, form);
}

export function datePicker(el, ctx, form) {
  const node = widthClass(el, h('input', 'ctl date'));
  node.type = 'date';
  if (el.initial_date) node.value = el.initial_date;
  node.title = plain(el.placeholder);
  return choice(el, node, () => (node.value ? `${node.value} ${zoneSuffix()}` : undefined), ctx, form);
}

export function input(el, _ctx, form) {
  const wrap = h('label', 'field');
  if (el.label) wrap.append(h('span', 'label', plain(el.label) + (el.required ? ' *' : '')));
  const multi = el.input_type === 'multiline_text';
  const node = h(multi ? 'textarea' : 'input', 'ctl');
  if (multi) node.rows = el.rows || 3;
  node.value = el.default_value ?? '';
  if (el.placeholder) node.placeholder = plain(el.placeholder);
  if (el.max_length) node.maxLength = el.max_length;
  widthClass(el, node);
  wrap.append(node);
  if (form && el.name) form.fields.push({ name: el.name, required: !!el.required, read: () => node.value, node });
  return wrap;
}
