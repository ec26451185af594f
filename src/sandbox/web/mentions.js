// The composer's person picker: typing "@" opens a list of promduty users; picking one puts
// "@Name" in the text and remembers who it is, and on send every remembered "@Name" becomes
// <at user_id="ou_…">Name</at>, which the sandbox delivers as a real Feishu mention
// (`@_user_N` in the text, the person in `mentions`). So commands that take a person
// (/swap sre 2026-12-05 @Carol) work as they would in Feishu.
import { h } from './controls.js';

const MAX_SHOWN = 8;

/** `input`: the composer's text field; `people()`: [{openId, name}] to pick from. */
export function mentionPicker(input, people) {
  const list = h('div', 'mention-picker');
  list.id = 'mention-picker';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.parentElement.style.position = 'relative';
  input.parentElement.append(list);
  /** Mentions picked for the text being written: "@Name" → open_id. */
  let picked = new Map();
  let query = null; // { start, text } while the picker is open
  let active = 0;

  const matches = () => {
    const q = (query ? query.text : '').toLowerCase();
    return people().filter((p) => p.name.toLowerCase().includes(q)).slice(0, MAX_SHOWN);
  };
  const close = () => {
    query = null;
    list.hidden = true;
  };
  const draw = () => {
    const found = matches();
    if (!query || !found.length) return close();
    active = Math.min(active, found.length - 1);
    list.replaceChildren(
      ...found.map((p, i) => {
        const item = h('button', `mention-option${i === active ? ' active' : ''}`, p.name);
        item.type = 'button';
        item.setAttribute('role', 'option');
        item.dataset.openId = p.openId;
        // mousedown, not click: the input must keep its focus and caret.
        item.addEventListener('mousedown', (e) => {
          e.preventDefault();
          choose(p);
        });
        return item;
      }),
    );
    list.hidden = false;
  };
  const choose = (p) => {
    const before = input.value.slice(0, query.start);
    const after = input.value.slice(input.selectionStart);
    const token = `@${p.name}`;
    input.value = `${before}${token} ${after.replace(/^\s+/, '')}`;
    const caret = before.length + token.length + 1;
    input.setSelectionRange(caret, caret);
    picked.set(token, p.openId);
    close();
  };

  input.addEventListener('input', () => {
    const caret = input.selectionStart;
    const upto = input.value.slice(0, caret);
    const at = upto.lastIndexOf('@');
    // An "@" at the start of a word opens the picker; the words typed after it filter it.
    if (at >= 0 && (at === 0 || /\s/.test(upto[at - 1])) && !/[\n@]/.test(upto.slice(at + 1)) && upto.length - at <= 40) {
      query = { start: at, text: upto.slice(at + 1) };
      active = 0;
      draw();
    } else close();
  });
  input.addEventListener('keydown', (e) => {
    if (!query || list.hidden) return;
    const found = matches();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      active = (active + (e.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
      draw();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      choose(found[active]);
    } else if (e.key === 'Escape') {
      close();
    } else return;
    e.preventDefault();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  return {
    /** The text to send: picked "@Name"s as mention tags (longest first, so "@Ann Lee" wins over "@Ann"). */
    encode(text) {
      let out = text;
      for (const [token, openId] of [...picked].sort((a, b) => b[0].length - a[0].length)) {
        const name = token.slice(1).replace(/[<>]/g, '');
        out = out.split(token).join(`<at user_id="${openId}">${name}</at>`);
      }
      return out;
    },
    reset() {
      picked = new Map();
      close();
    },
  };
}
