import { TemplateLexer, type Token } from './go-template-lex';
import { decodeStringLiteral } from './promql-literals';
import { lineColumn } from './promql-syntax';

/**
 * The templates of remediation actions (URL and body): a subset of Go's text/template, read by
 * go-template-lex.ts's port of Go's lexer, over one alert the way Alertmanager's templates see
 * it: `.Labels.instance`, `.Annotations.summary`, `.Status`, `.StartsAt`, `.Fingerprint`,
 * `.GeneratorURL`, plus promduty's `.EventID`; `$labels` and `$annotations` as in rule
 * templates. Pipelines, parentheses, `{{if}} {{else if}} {{else}} {{end}}` and the functions
 * below. Everything else Go has (range, with, define, variables, printf, …) is refused when the
 * action is saved, with where and why, so a template that saves always renders.
 *
 * Why a subset: an action's template is evaluated by promduty (on a worker, for each run), so
 * every construct it accepts must be one this evaluator runs, boundedly. `json` is promduty's own:
 * a body is usually JSON, and a label value must not break out of its string.
 */
export const EVAL_LIMITS = {
  /** Nested `if`s and parentheses. */
  maxNesting: 100,
  /** Characters a template may render to. */
  maxOutput: 65_536,
} as const;

/** What a template is evaluated over: one alert. */
export interface AlertTemplateData {
  Labels: Record<string, string>;
  Annotations: Record<string, string>;
  Status: 'firing' | 'resolved';
  /** RFC 3339. */
  StartsAt: string;
  Fingerprint: string;
  GeneratorURL: string;
  EventID: number;
}

const FIELDS: Record<keyof AlertTemplateData, 'map' | 'scalar'> = {
  Labels: 'map',
  Annotations: 'map',
  Status: 'scalar',
  StartsAt: 'scalar',
  Fingerprint: 'scalar',
  GeneratorURL: 'scalar',
  EventID: 'scalar',
};
const VARIABLES: Record<string, keyof AlertTemplateData | null> = { $: null, $labels: 'Labels', $annotations: 'Annotations' };

type Value = string | number | boolean | Record<string, string> | AlertTemplateData;
type Fn = { min: number; max: number; run: (args: Value[]) => Value };

const str = (v: Value): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // Go prints a map as map[k:v …] in key order.
  return `map[${Object.keys(v).sort().map((k) => `${k}:${String((v as Record<string, unknown>)[k])}`).join(' ')}]`;
};
const truthy = (v: Value): boolean => (typeof v === 'object' ? Object.keys(v).length > 0 : Boolean(v));
const sortedJson = (v: Value): string =>
  typeof v === 'object' ? JSON.stringify(Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))) : JSON.stringify(v);

const FUNCTIONS: Record<string, Fn> = {
  toUpper: { min: 1, max: 1, run: ([a]) => str(a!).toUpperCase() },
  toLower: { min: 1, max: 1, run: ([a]) => str(a!).toLowerCase() },
  title: { min: 1, max: 1, run: ([a]) => str(a!).replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_, p: string, c: string) => p + c.toUpperCase()) },
  trimSpace: { min: 1, max: 1, run: ([a]) => str(a!).trim() },
  // Go's urlquery: the arguments' text joined, then query-escaped (space as '+').
  urlquery: { min: 1, max: Infinity, run: (args) => encodeURIComponent(args.map(str).join('')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) },
  json: { min: 1, max: 1, run: ([a]) => sortedJson(a!) },
  index: { min: 2, max: 2, run: ([m, k]) => (typeof m === 'object' ? ((m as Record<string, unknown>)[str(k!)] as string | undefined) ?? '' : '') },
  eq: { min: 2, max: 2, run: ([a, b]) => str(a!) === str(b!) },
  ne: { min: 2, max: 2, run: ([a, b]) => str(a!) !== str(b!) },
  not: { min: 1, max: 1, run: ([a]) => !truthy(a!) },
  and: { min: 1, max: Infinity, run: (args) => args.find((a) => !truthy(a)) ?? args[args.length - 1]! },
  or: { min: 1, max: Infinity, run: (args) => args.find(truthy) ?? args[args.length - 1]! },
};
export const TEMPLATE_FUNCTIONS = Object.keys(FUNCTIONS);

type Arg =
  | { k: 'field'; path: string[] }
  | { k: 'lit'; v: Value }
  | { k: 'pipe'; p: Pipe };
interface Cmd {
  fn: string | null;
  args: Arg[];
}
type Pipe = Cmd[];
type Node = { k: 'text'; s: string } | { k: 'out'; p: Pipe } | { k: 'if'; cond: Pipe; then: Node[]; else: Node[] };

/** A template that passed every check, ready to render. */
export interface CompiledTemplate {
  readonly nodes: Node[];
}

export interface EvalProblem {
  message: string;
  line: number;
  column: number;
}

class Refused extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/** Parses `text` into a template, or says where and why it is refused. */
export function compileTemplate(text: string): CompiledTemplate | EvalProblem {
  try {
    return { nodes: new Parser(text).parse() };
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    const { line, column } = lineColumn(text, Math.min(e.pos, text.length));
    return { message: `${e.message} (at line ${line}, column ${column})`, line, column };
  }
}

export const isProblem = (c: CompiledTemplate | EvalProblem): c is EvalProblem => 'message' in c;

/** The text a compiled template renders to over one alert; throws a RangeError past maxOutput. */
export function renderTemplate(t: CompiledTemplate, data: AlertTemplateData): string {
  const out: string[] = [];
  let size = 0;
  const emit = (s: string): void => {
    size += s.length;
    if (size > EVAL_LIMITS.maxOutput) throw new RangeError(`the template renders to more than ${EVAL_LIMITS.maxOutput} characters`);
    out.push(s);
  };
  const walk = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.k === 'text') emit(n.s);
      else if (n.k === 'out') emit(str(runPipe(n.p, data)));
      else walk(truthy(runPipe(n.cond, data)) ? n.then : n.else);
    }
  };
  walk(t.nodes);
  return out.join('');
}

function runPipe(p: Pipe, data: AlertTemplateData): Value {
  let prev: Value | undefined;
  for (const cmd of p) {
    const args = cmd.args.map((a) => argValue(a, data));
    if (prev !== undefined) args.push(prev);
    prev = cmd.fn === null ? args[0]! : FUNCTIONS[cmd.fn]!.run(args);
  }
  return prev!;
}

function argValue(a: Arg, data: AlertTemplateData): Value {
  if (a.k === 'lit') return a.v;
  if (a.k === 'pipe') return runPipe(a.p, data);
  let v: Value = data;
  for (const key of a.path) v = (v as Record<string, Value>)[key] ?? '';
  return v;
}

/** Recursive descent over the lexer's tokens; refuses what renderTemplate could not run. */
class Parser {
  private i = 0;
  private depth = 0;
  private readonly lexer: TemplateLexer;

  constructor(text: string) {
    this.lexer = new TemplateLexer(text);
  }

  private next(): Token {
    const t = this.lexer.token(this.i++);
    if (t.type === 'error') throw new Refused(`not a valid template: ${t.value}`, t.pos);
    return t;
  }

  private peek(): Token {
    const t = this.next();
    this.i--;
    return t;
  }

  private nonSpace(): Token {
    let t: Token;
    while ((t = this.next()).type === 'space');
    return t;
  }

  private peekNonSpace(): Token {
    const at = this.i;
    const t = this.nonSpace();
    this.i = at;
    return t;
  }

  private nest(pos: number): void {
    if (++this.depth > EVAL_LIMITS.maxNesting) throw new Refused(`nested more than ${EVAL_LIMITS.maxNesting} deep`, pos);
  }

  parse(): Node[] {
    const { nodes, stop } = this.list();
    if (stop) throw new Refused(`unexpected {{${stop.type}}}`, stop.pos);
    return nodes;
  }

  /** Nodes up to the end of the text, or up to an `{{else}}` / `{{end}}` (returned, consumed). */
  private list(): { nodes: Node[]; stop: Token | null; elseIf?: boolean } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === 'eof') return { nodes, stop: null };
      if (t.type === 'text') {
        nodes.push({ k: 'text', s: t.value });
        continue;
      }
      // leftDelim
      const head = this.nonSpace();
      if (head.type === 'end') {
        this.close();
        return { nodes, stop: head };
      }
      if (head.type === 'else') {
        if (this.peekNonSpace().type === 'if') {
          this.nonSpace();
          return { nodes, stop: head, elseIf: true };
        }
        this.close();
        return { nodes, stop: head };
      }
      if (head.type === 'if') nodes.push(this.ifNode(head.pos));
      else if (['range', 'with', 'define', 'template', 'block', 'break', 'continue'].includes(head.type)) {
        throw new Refused(`{{${head.type}}} is not supported in action templates (only if / else / end)`, head.pos);
      } else {
        this.i--;
        nodes.push({ k: 'out', p: this.pipeline('rightDelim') });
      }
    }
  }

  /** After `{{if`: the condition, the branches, up to the matching `{{end}}`. */
  private ifNode(pos: number): Node {
    this.nest(pos);
    const cond = this.pipeline('rightDelim');
    const body = this.list();
    if (!body.stop) throw new Refused('unexpected EOF: this {{if}} has no {{end}}', pos);
    let otherwise: Node[] = [];
    if (body.stop.type === 'else') {
      if (body.elseIf) otherwise = [this.ifNode(body.stop.pos)];
      else {
        const rest = this.list();
        if (!rest.stop || rest.stop.type !== 'end') throw new Refused('this {{if}} … {{else}} has no {{end}}', rest.stop?.pos ?? pos);
        otherwise = rest.nodes;
      }
    }
    this.depth--;
    return { k: 'if', cond, then: body.nodes, else: otherwise };
  }

  private close(): void {
    const t = this.nonSpace();
    if (t.type !== 'rightDelim') throw new Refused(`unexpected ${JSON.stringify(t.value)}: expected }}`, t.pos);
  }

  /** Commands separated by `|`, up to `end` (consumed). */
  private pipeline(end: 'rightDelim' | 'rightParen'): Pipe {
    const cmds: Pipe = [];
    for (;;) {
      const cmd = this.command();
      if (cmds.length && cmd.fn === null) throw new Refused('a pipeline continues with a function name after |', this.peek().pos);
      cmds.push(cmd);
      const t = this.nonSpace();
      if (t.type === 'pipe') continue;
      if (t.type === end) break;
      if (t.type === 'declare' || t.type === 'assign') throw new Refused('variables are not supported in action templates', t.pos);
      throw new Refused(`unexpected ${JSON.stringify(t.value)} in a pipeline`, t.pos);
    }
    for (const c of cmds) {
      if (c.fn === null) continue;
      const f = FUNCTIONS[c.fn]!;
      const n = c.args.length + (c === cmds[0] ? 0 : 1);
      if (n < f.min || n > f.max) {
        throw new Refused(`${c.fn} takes ${f.min === f.max ? f.min : `at least ${f.min}`} argument${f.min === 1 && f.max === 1 ? '' : 's'}, got ${n}`, this.peek().pos);
      }
    }
    return cmds;
  }

  /** One command: a function and its arguments, or one operand. */
  private command(): Cmd {
    const first = this.nonSpace();
    if (first.type === 'identifier') {
      if (!(first.value in FUNCTIONS)) {
        throw new Refused(`function "${first.value}" is not supported in action templates (there are: ${TEMPLATE_FUNCTIONS.join(', ')})`, first.pos);
      }
      const args: Arg[] = [];
      while (this.peekNonSpace().type !== 'pipe' && !['rightDelim', 'rightParen', 'eof'].includes(this.peekNonSpace().type)) {
        args.push(this.operand(this.nonSpace()));
      }
      return { fn: first.value, args };
    }
    const arg = this.operand(first);
    const after = this.peekNonSpace();
    if (!['pipe', 'rightDelim', 'rightParen'].includes(after.type)) throw new Refused(`unexpected ${JSON.stringify(after.value)}: only a function takes arguments`, after.pos);
    return { fn: null, args: [arg] };
  }

  private operand(t: Token): Arg {
    switch (t.type) {
      case 'string':
      case 'rawString': {
        const d = decodeStringLiteral(t.value);
        if ('error' in d) throw new Refused(`not a valid string: ${d.error}`, t.pos);
        return { k: 'lit', v: d.value };
      }
      case 'number':
        if (!/^-?\d{1,15}$/.test(t.value)) throw new Refused(`only whole numbers are supported, not ${t.value}`, t.pos);
        return { k: 'lit', v: Number(t.value) };
      case 'bool':
        return { k: 'lit', v: t.value === 'true' };
      case 'dot':
        return { k: 'field', path: [] };
      case 'field':
        return this.fieldPath([], t);
      case 'variable': {
        if (!(t.value in VARIABLES)) throw new Refused(`undefined variable "${t.value}" (there are $, $labels, $annotations)`, t.pos);
        const root = VARIABLES[t.value];
        return this.fieldPath(root ? [root] : [], t);
      }
      case 'leftParen': {
        this.nest(t.pos);
        const p = this.pipeline('rightParen');
        this.depth--;
        return { k: 'pipe', p };
      }
      case 'identifier':
        throw new Refused(`a function (${t.value}) in an argument must be in parentheses`, t.pos);
      default:
        throw new Refused(`unexpected ${JSON.stringify(t.value)}`, t.pos);
    }
  }

  /** `.A.b` chains: the first part names a field of the alert, the second a key of a map field. */
  private fieldPath(path: string[], t: Token): Arg {
    const parts = [...path];
    let tok: Token | null = t.type === 'field' ? t : null;
    if (t.type === 'variable' && t.value.includes('.')) throw new Refused(`unexpected ${t.value}`, t.pos);
    while (tok || this.peek().type === 'field') {
      const f = tok ?? this.next();
      tok = null;
      parts.push(...f.value.split('.').filter(Boolean));
    }
    const [top, key, ...more] = parts;
    if (top !== undefined) {
      const kind = FIELDS[top as keyof AlertTemplateData];
      if (!kind) throw new Refused(`unknown field .${top} (there are ${Object.keys(FIELDS).map((k) => `.${k}`).join(', ')})`, t.pos);
      if (key !== undefined && kind === 'scalar') throw new Refused(`.${top} has no fields`, t.pos);
      if (more.length) throw new Refused(`.${top}.${key} has no fields`, t.pos);
    }
    return { k: 'field', path: parts };
  }
}
