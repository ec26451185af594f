import { goQuote, isKeyword, TemplateLexer, type Token, type TokenType } from './go-template-lex';
import { charConstantError, numberError, stringLiteralError } from './go-template-literals';
import { lineColumn } from './promql-syntax';

/**
 * Checks an alert rule's label or annotation the way `promtool check rules` does: Prometheus
 * parses each with Go's text/template (its parser, text/template/parse/parse.go, ported here
 * rule for rule over go-template-lex.ts's tokens) after `{{$labels := .Labels}}`,
 * `{{$externalLabels := .ExternalLabels}}`, `{{$externalURL := .ExternalURL}}` and
 * `{{$value := .Value}}`, with Go's built-in functions and Prometheus' own (those of Prometheus
 * 2.42, the version promtool and the tests run). One broken template makes promtool refuse the
 * whole rule file and Prometheus refuse to load it, so rules are checked when saved.
 *
 * Why a port rather than running promtool at save time: a save must not depend on a binary
 * being installed, and this takes microseconds. test/unit/go-template.test.ts runs the real
 * promtool over its table of cases to keep the two in step.
 */
export const TEMPLATE_LIMITS = {
  /** Nested actions and parentheses; Go has no limit, this parser recurses. */
  maxNesting: 100,
} as const;

const FUNCTIONS = new Set([
  // Go's text/template builtins.
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne',
  // Prometheus 2.42's template/template.go.
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower', 'graphLink',
  'tableLink', 'sortByLabel', 'stripPort', 'stripDomain', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage',
  'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration',
]);
const PREDEFINED = ['$', '$labels', '$externalLabels', '$externalURL', '$value'];

export interface TemplateProblem {
  /** Go's message, where it is, and for an unclosed block which one. */
  message: string;
  line: number;
  column: number;
}

/** Why Prometheus would refuse `text` as an alert label or annotation template, or null. */
export function templateProblem(text: string, alertName = ''): TemplateProblem | null {
  try {
    new TemplateParser(text, `__alert_${alertName}`).parse();
    return null;
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    const { line, column } = lineColumn(text, Math.min(e.pos, text.length));
    return { message: `${e.message} (at line ${line}, column ${column})`, line, column };
  }
}

class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

/** What the parser keeps of a node: its kind, whether it counts as content, its text for messages. */
interface Node {
  kind: 'text' | 'action' | 'control' | 'end' | 'else' | 'bool' | 'dot' | 'nil' | 'number' | 'string' | 'identifier' | 'field' | 'variable' | 'chain' | 'pipeline';
  empty?: boolean;
  text?: string;
  /** Where it is, for messages. */
  pos?: number;
}
const NODE_STRING: Partial<Record<Node['kind'], string>> = { end: '{{end}}', else: '{{else}}' };
const NOT_EXECUTABLE = new Set<Node['kind']>(['bool', 'dot', 'nil', 'number', 'string']);
const OPERAND_STARTS = new Set<TokenType>(['bool', 'charConstant', 'complex', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen']);

class TemplateParser {
  private i = 0;
  private vars = [...PREDEFINED];
  private rangeDepth = 0;
  private nesting = 0;
  /** Blocks opened and not yet ended, for the message when the text ends first. */
  private readonly open: { keyword: string; pos: number }[] = [];
  /** Defined templates: whether each has content (Go refuses a second non-empty definition). */
  private readonly defined = new Map<string, boolean>();
  private readonly lexer: TemplateLexer;
  private last: Token;

  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {
    this.lexer = new TemplateLexer(text);
    this.last = this.lexer.token(0);
  }

  private fail(message: string, pos = this.last.pos): never {
    throw new TemplateSyntaxError(message, pos);
  }

  private next(): Token {
    this.last = this.lexer.token(this.i++);
    return this.last;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  private nextNonSpace(): Token {
    let t: Token;
    while ((t = this.next()).type === 'space');
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private unexpected(token: Token, context: string): never {
    if (token.type === 'error') this.fail(token.value, token.pos);
    const shown = token.type === 'eof' ? 'EOF' : isKeyword(token.type) ? `<${token.value}>` : token.value.length > 10 ? `${goQuote(token.value.slice(0, 10))}...` : goQuote(token.value);
    if (token.type === 'eof' && this.open.length) this.fail(`unexpected EOF in ${context}${this.unclosed()}`, token.pos);
    this.fail(`unexpected ${shown} in ${context}`, token.pos);
  }

  private unclosed(): string {
    const block = this.open.at(-1);
    if (!block) return '';
    const { line, column } = lineColumn(this.text, block.pos);
    return `: the {{${block.keyword}}} at line ${line}, column ${column} has no {{end}}`;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  parse(): void {
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const at = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.definition();
          continue;
        }
        this.i = at;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected ${NODE_STRING[n.kind]}`, n.pos);
    }
    // The expanded template always has content (the variable definitions before it).
    this.add(this.name, true);
  }

  /** `{{define "name"}} … {{end}}`, at the top level only; `define` is past. */
  private definition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    const name = this.templateName(token, context);
    this.expect('rightDelim', context);
    const { next, empty } = this.inNewTree({ keyword: 'define', pos: token.pos }, () => this.itemList());
    if (next.kind !== 'end') this.fail(`unexpected ${NODE_STRING[next.kind] ?? next.kind} in ${context}`, next.pos);
    this.add(name, !empty, token.pos);
  }

  private add(name: string, content: boolean, pos?: number): void {
    if (this.defined.get(name) && content) this.fail(`template: multiple definition of template ${goQuote(name)}`, pos);
    if (!this.defined.get(name)) this.defined.set(name, content);
  }

  /** A define or block body: a template of its own, with only `$` defined. */
  private inNewTree<T>(opener: { keyword: string; pos: number }, body: () => T): T {
    const saved = { vars: this.vars, rangeDepth: this.rangeDepth };
    this.vars = ['$'];
    this.rangeDepth = 0;
    this.open.push(opener);
    const result = body();
    this.open.pop();
    Object.assign(this, saved);
    return result;
  }

  /** Text and actions up to an `{{end}}` or `{{else}}`, which is returned. */
  private itemList(): { next: Node; empty: boolean } {
    let empty = true;
    if (++this.nesting > TEMPLATE_LIMITS.maxNesting) this.fail(`actions nest more than ${TEMPLATE_LIMITS.maxNesting} levels deep`);
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') {
        this.nesting--;
        return { next: n, empty };
      }
      empty &&= n.empty === true;
    }
    return this.fail(`unexpected EOF${this.unclosed()}`, this.peek().pos);
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    if (token.type === 'text') return { kind: 'text', empty: token.value.trim() === '' };
    if (token.type === 'leftDelim') return this.action();
    return this.unexpected(token, 'input');
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.block();
      case 'break':
      case 'continue': {
        const end = this.nextNonSpace();
        if (end.type !== 'rightDelim') this.unexpected(end, `{{${token.type}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${token.type}}} outside {{range}}`, token.pos);
        return { kind: 'action' };
      }
      case 'else':
        // `{{else if …`: the `if` stays next, for the enclosing if to take.
        if (this.peekNonSpace().type !== 'if') this.expect('rightDelim', 'else');
        return { kind: 'else', pos: token.pos };
      case 'end':
        this.expect('rightDelim', 'end');
        return { kind: 'end', pos: token.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(token);
      case 'template':
        return this.templateCall();
      default:
        this.backup();
        this.pipeline('command', 'rightDelim');
        return { kind: 'action' };
    }
  }

  /** `{{if|range|with pipeline}} … [{{else}} …] {{end}}`; `else if` only in an if. */
  private control(keyword: Token): Node {
    const context = keyword.type;
    const vars = this.vars.length;
    this.pipeline(context, 'rightDelim');
    this.open.push({ keyword: context, pos: keyword.pos });
    if (context === 'range') this.rangeDepth++;
    let { next } = this.itemList();
    if (context === 'range') this.rangeDepth--;
    if (next.kind === 'else') {
      if (context === 'if' && this.peek().type === 'if') {
        this.control(this.next());
      } else {
        ({ next } = this.itemList());
        if (next.kind !== 'end') this.fail(`expected end; found ${NODE_STRING[next.kind] ?? next.kind}`, next.pos);
      }
    }
    this.open.pop();
    this.vars.length = vars;
    return { kind: 'control' };
  }

  /** `{{block "name" pipeline}} … {{end}}`: defines the template and calls it. */
  private block(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    this.pipeline(context, 'rightDelim');
    const { next, empty } = this.inNewTree({ keyword: 'block', pos: token.pos }, () => this.itemList());
    if (next.kind !== 'end') this.fail(`unexpected ${NODE_STRING[next.kind] ?? next.kind} in ${context}`, next.pos);
    this.add(name, !empty, token.pos);
    return { kind: 'control' };
  }

  private templateCall(): Node {
    const context = 'template clause';
    this.templateName(this.nextNonSpace(), context);
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      this.pipeline(context, 'rightDelim');
    }
    return { kind: 'action' };
  }

  private templateName(token: Token, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    const error = stringLiteralError(token.value);
    if (error) this.fail(error, token.pos);
    return token.value.slice(1, -1);
  }

  /** Declarations, then commands separated by `|`, up to `end`. */
  private pipeline(context: string, end: TokenType): Node {
    let decls = 0;
    for (let more = true; more; ) {
      more = false;
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const at = this.i;
      this.next();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        this.nextNonSpace();
        this.vars.push(v.value);
      } else if (next.type === 'char' && next.value === ',') {
        this.nextNonSpace();
        this.vars.push(v.value);
        if (context === 'range' && ++decls < 2) {
          const after = this.peekNonSpace().type;
          if (after !== 'variable' && after !== 'rightDelim' && after !== 'rightParen') this.fail('range can only initialize variables');
          more = true;
          continue;
        }
        this.fail(`too many declarations in ${context}`);
      } else this.i = at;
    }
    const commands: Node[] = [];
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) break;
      if (!OPERAND_STARTS.has(token.type)) this.unexpected(token, context);
      this.backup();
      commands.push(this.command());
    }
    if (commands.length === 0) this.fail(`missing value for ${context}`);
    commands.forEach((first, stage) => {
      if (stage > 0 && NOT_EXECUTABLE.has(first.kind)) this.fail(`non executable command in pipeline stage ${stage + 1}`, first.pos);
    });
    return { kind: 'pipeline' };
  }

  /** Space-separated operands up to a `|` (consumed) or the end of the pipeline; returns the first. */
  private command(): Node {
    let first: Node | null = null;
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      first ??= operand;
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    return first ?? this.fail('empty command');
  }

  /** A term, and fields taken from it (`(f).Field`, `$x.a.b`). */
  private operand(): Node | null {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    while (this.peek().type === 'field') this.next();
    if (NOT_EXECUTABLE.has(node.kind)) this.fail(`unexpected . after term ${goQuote(node.text ?? node.kind)}`);
    return node.kind === 'field' || node.kind === 'variable' ? node : { kind: 'chain' };
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    const text = token.value;
    switch (token.type) {
      case 'identifier':
        if (!FUNCTIONS.has(text)) this.fail(`function ${goQuote(text)} not defined`, token.pos);
        return { kind: 'identifier' };
      case 'dot':
      case 'nil':
      case 'field':
      case 'bool':
        return { kind: token.type, text, pos: token.pos };
      case 'variable':
        if (!this.vars.includes(text)) this.fail(`undefined variable ${goQuote(text)}`, token.pos);
        return { kind: 'variable' };
      case 'charConstant':
      case 'complex':
      case 'number': {
        const error = token.type === 'charConstant' ? charConstantError(text) : numberError(text, token.type === 'complex');
        if (error) this.fail(error, token.pos);
        return { kind: 'number', text, pos: token.pos };
      }
      case 'leftParen': {
        if (++this.nesting > TEMPLATE_LIMITS.maxNesting) this.fail(`actions nest more than ${TEMPLATE_LIMITS.maxNesting} levels deep`);
        this.pipeline('parenthesized pipeline', 'rightParen');
        this.nesting--;
        return { kind: 'pipeline' };
      }
      case 'string':
      case 'rawString': {
        const error = stringLiteralError(text);
        if (error) this.fail(error, token.pos);
        return { kind: 'string', text, pos: token.pos };
      }
      default:
        this.backup();
        return null;
    }
  }
}
