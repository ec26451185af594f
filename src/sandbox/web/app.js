// The sandbox page: chats on the left, the selected chat's messages on the right, a composer,
// and "act as" a promduty user. Everything it does goes through promduty's sandbox endpoints,
// which sign and deliver the same callbacks Feishu would.
import { renderCard } from './card.js';
import { h } from './controls.js';
import { renderPost, renderText } from './markdown.js';
import { mentionPicker } from './mentions.js';

const $ = (id) => document.getElementById(id);
const ui = { data: null, chatId: decodeURIComponent(location.hash.slice(1)) || null, actAs: localStorage.getItem('promduty.actAs') || '', seen: {} };
/** Rendered messages by id, with the version they show: a card is redrawn only when it changed. */
const drawn = new Map();

async function call(method, path, body) {
  const res = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error((json && json.error && json.error.message) || `HTTP ${res.status}`);
  return json;
}

export function toast(type, content) {
  const t = h('div', `toast toast-${type}`, content);
  t.setAttribute('role', 'status');
  $('toasts').append(t);
  setTimeout(() => t.remove(), type === 'error' ? 8000 : 4000);
}

function showOutcome(outcome) {
  if (outcome && outcome.toast) toast(outcome.toast.type, outcome.toast.content);
}

const names = () => new Map((ui.data ? ui.data.users : []).map((u) => [u.openId, u.name]));
const chatOf = (m) => m.chat_id || m.receive_id;
const chat = () => (ui.data ? ui.data.chats.find((c) => c.id === ui.chatId) : null);
const messagesIn = (id) => ui.data.messages.filter((m) => chatOf(m) === id);

async function refresh() {
  try {
    ui.data = await call('GET', '/sandbox/api/state');
  } catch (e) {
    toast('error', `sandbox: ${e.message}`);
    return;
  }
  if (!ui.data.users.some((u) => u.openId === ui.actAs)) ui.actAs = ui.data.users[0] ? ui.data.users[0].openId : '';
  if (!chat()) {
    const busy = ui.data.chats.find((c) => messagesIn(c.id).length);
    ui.chatId = (busy || ui.data.chats[0] || {}).id || null;
  }
  render();
}

function render() {
  renderActAs();
  renderChats();
  renderChat();
}

function renderActAs() {
  const sel = $('actas');
  sel.replaceChildren(...ui.data.users.map((u) => Object.assign(h('option', '', `${u.name} (${u.role})`), { value: u.openId })));
  sel.value = ui.actAs;
  $('no-users').hidden = ui.data.users.length > 0;
}

function renderChats() {
  const nav = $('chats');
  nav.replaceChildren();
  let section = '';
  for (const c of ui.data.chats) {
    const heading = { group: 'Group chats', p2p: 'Private chats with the bot', webhook: 'Custom webhook bots' }[c.kind];
    if (heading !== section) nav.append(h('h2', '', (section = heading)));
    const count = messagesIn(c.id).length;
    const unread = c.id === ui.chatId ? 0 : count - (ui.seen[c.id] || 0);
    const item = h('button', `chat${c.id === ui.chatId ? ' active' : ''}`);
    item.type = 'button';
    item.dataset.chatId = c.id;
    item.append(h('span', 'chat-title', c.title), h('span', 'chat-sub', c.subtitle));
    if (unread > 0) item.append(h('span', 'badge', String(unread)));
    item.addEventListener('click', () => select(c.id));
    nav.append(item);
  }
}

function select(id) {
  ui.chatId = id;
  history.replaceState(null, '', `#${encodeURIComponent(id)}`);
  const c = chat();
  // A private chat is between the bot and its owner: act as them there.
  if (c && c.kind === 'p2p' && ui.data.users.some((u) => u.openId === c.openId)) setActAs(c.openId);
  drawn.clear();
  $('messages').replaceChildren();
  render();
}

function setActAs(openId) {
  ui.actAs = openId;
  localStorage.setItem('promduty.actAs', openId);
  $('actas').value = openId;
}

function renderChat() {
  const c = chat();
  $('chat-title').textContent = c ? c.title : 'No chats yet';
  $('chat-sub').textContent = c ? `${c.subtitle} · ${c.id}` : 'Create a send group with a Feishu chat id, or a user with an open_id.';
  const composer = $('composer');
  composer.hidden = !c || c.kind === 'webhook';
  $('text').placeholder = c && c.kind === 'group' ? 'Message @promduty, e.g. /help or /alerts (type @ to mention someone)' : 'Message promduty, e.g. /oncall or /roster (type @ to mention someone)';
  if (!c) return;
  ui.seen[c.id] = messagesIn(c.id).length;
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const wanted = messagesIn(c.id);
  const keep = new Set(wanted.map((m) => m.message_id));
  for (const [id, entry] of drawn) {
    if (keep.has(id)) continue;
    entry.node.remove();
    drawn.delete(id);
  }
  let previous = null;
  for (const m of wanted) {
    const version = `${m.updated_at}:${(m.buzzes || m.urgent || []).length}`;
    let entry = drawn.get(m.message_id);
    if (!entry || entry.version !== version) {
      const node = renderMessage(m, c);
      if (entry) {
        entry.node.replaceWith(node);
        node.classList.add('flash');
      }
      entry = { node, version };
      drawn.set(m.message_id, entry);
    }
    const anchor = previous ? previous.nextSibling : list.firstChild;
    if (entry.node !== anchor) list.insertBefore(entry.node, anchor);
    previous = entry.node;
  }
  if (atBottom || !list.dataset.scrolled) {
    list.scrollTop = list.scrollHeight;
    list.dataset.scrolled = '1';
  }
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function renderMessage(m, c) {
  const mine = m.via === 'user';
  const row = h('article', `msg ${mine ? 'from-user' : 'from-bot'}`);
  row.dataset.messageId = m.message_id;
  const meta = h('div', 'msg-meta');
  const who = mine ? names().get(m.sender) || m.sender : m.via === 'webhook' ? 'custom bot' : ui.data.bot.name;
  meta.append(h('span', 'who', who));
  if (!mine) meta.append(h('span', 'bot-tag', m.via === 'webhook' ? 'webhook' : 'bot'));
  meta.append(h('span', 'when', time(m.created_at)));
  if (m.updated_at !== m.created_at) meta.append(h('span', 'edited', `updated ${time(m.updated_at)}`));
  row.append(meta);
  if (m.parent_id) {
    const parent = ui.data.messages.find((p) => p.message_id === m.parent_id);
    const quote = parent ? quoteOf(parent) : 'an earlier message';
    row.append(h('div', 'reply-to', `↪ reply to: ${String(quote).slice(0, 80)}`));
  }
  row.append(renderContent(m, c));
  if (m.buzzes && m.buzzes.length) {
    const icon = { app: '🔔', sms: '✉️', phone: '📞' };
    const what = { app: 'in-app buzz', sms: 'SMS buzz', phone: 'phone buzz' };
    for (const b of m.buzzes) row.append(h('div', 'urgent', `${icon[b.kind] || '🔔'} ${what[b.kind] || 'buzz'}: ${names().get(b.openId) || b.openId} · ${time(b.at)}`));
  } else if (m.urgent && m.urgent.length) {
    row.append(h('div', 'urgent', `🔔 buzzed (urgent): ${m.urgent.map((id) => names().get(id) || id).join(', ')}`));
  }
  return row;
}

/** One line standing for a message: its text, or a card's title. */
function quoteOf(m) {
  if (m.msg_type === 'text') return m.content.text;
  const title = m.content && m.content.header && m.content.header.title;
  return title ? `card: ${title.content}` : `[${m.msg_type}]`;
}

function renderContent(m, c) {
  if (m.msg_type === 'interactive') {
    const people = ui.data.users.map((u) => ({ openId: u.openId, name: u.name }));
    const interactive = m.via === 'app';
    return renderCard(m.content, { names: names(), people, interactive, act: (action) => act(m, action) });
  }
  const bubble = h('div', 'bubble');
  if (m.msg_type === 'text') bubble.innerHTML = renderText(m.content.text, names());
  else if (m.msg_type === 'post') bubble.innerHTML = renderPost(m.content, names());
  else bubble.textContent = `[${m.msg_type}] ${JSON.stringify(m.content)}`;
  if (c.kind === 'group' && m.via === 'user') bubble.prepend(h('span', 'mention', '@promduty '));
  return bubble;
}

async function act(m, action) {
  if (!ui.actAs) return toast('warning', 'Pick a user to act as first.');
  const node = drawn.get(m.message_id);
  node && node.node.classList.add('busy');
  try {
    showOutcome(await call('POST', '/sandbox/api/actions', { openId: ui.actAs, messageId: m.message_id, action }));
  } catch (e) {
    toast('error', e.message);
  } finally {
    node && node.node.classList.remove('busy');
  }
}

const mentions = mentionPicker($('text'), () => (ui.data ? ui.data.users : []));

async function send(e) {
  e.preventDefault();
  const input = $('text');
  const text = input.value.trim();
  if (!text) return;
  if (!ui.actAs) return toast('warning', 'Pick a user to act as first.');
  input.value = '';
  try {
    showOutcome(await call('POST', '/sandbox/api/messages', { openId: ui.actAs, chatId: ui.chatId, text: mentions.encode(text) }));
    mentions.reset();
  } catch (err) {
    input.value = text;
    toast('error', err.message);
  }
}

$('composer').addEventListener('submit', send);
$('actas').addEventListener('change', (e) => setActAs(e.target.value));
const events = new EventSource('/sandbox/api/events');
events.addEventListener('change', refresh);
events.addEventListener('open', refresh);
