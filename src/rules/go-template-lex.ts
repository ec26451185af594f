/**
 * The lexer of Go's text/template (text/template/parse/lex.go, Go 1.19-1.22, default `{{ }}`
 * delimiters), token for token, so go-template.ts accepts and refuses what Prometheus'
 * template parser does. Like Go's, it makes tokens as the parser asks for them (a parser that
 * stops at the first bad token never pays for the rest of the text), does not depend on the
 * parser's state, and stops at its first error, reported when the parser reaches it.
 */
export type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // Keywords.
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  type: TokenType;
  /** The token's text; for an error, the message. */
  value: string;
  /** Offset of the token's start in the text. */
  pos: number;
}

const KEYWORDS: Record<string, TokenType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};
export const isKeyword = (type: TokenType): boolean => Object.values(KEYWORDS).includes(type);

const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
// Go's unicode.IsLetter / IsDigit (category Nd) and '_'.
const ALPHANUMERIC = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (c: string): boolean => c !== '' && ALPHANUMERIC.test(c);
const hasLeftTrimMarker = (s: string, at: number): boolean => s.charAt(at) === '-' && isSpace(s.charAt(at + 1));
const hasRightTrimMarker = (s: string, at: number): boolean => isSpace(s.charAt(at)) && s.charAt(at + 1) === '-';

export class TemplateLexer {
  private state: 'text' | 'action' | 'done' = 'text';
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  /** Where the current action's `{{` is: an action never closed is reported there. */
  private actionStart = 0;
  readonly tokens: Token[] = [];

  constructor(private readonly s: string) {}

  /** The next code point (as a string; '' at the end) and moves past it. */
  private next(): string {
    if (this.pos >= this.s.length) {
      this.pos = this.s.length + 1; // past the end, so backup() lands on the end again
      return '';
    }
    const c = String.fromCodePoint(this.s.codePointAt(this.pos)!);
    this.pos += c.length;
    return c;
  }

  private backup(c: string): void {
    this.pos -= c === '' ? 1 : c.length;
  }

  private peek(): string {
    const c = this.next();
    this.backup(c);
    return c;
  }

  private emit(type: TokenType): void {
    this.tokens.push({ type, value: this.s.slice(this.start, this.pos), pos: this.start });
    this.start = this.pos;
  }

  private error(message: string, pos = this.start): false {
    this.tokens.push({ type: 'error', value: message, pos });
    this.state = 'done';
    return false;
  }

  /** The i-th token; past the end, the last one (`eof` or `error`). */
  token(i: number): Token {
    while (this.tokens.length <= i && this.state !== 'done') {
      if (this.state === 'text') this.text();
      else this.actionToken();
    }
    return this.tokens[Math.min(i, this.tokens.length - 1)]!;
  }

  /** Text up to the next action, and its left delimiter (or a whole comment). */
  private text(): void {
    const s = this.s;
    const at = s.indexOf(LEFT, this.pos);
    if (at < 0) {
      this.pos = s.length;
      if (this.pos > this.start) this.emit('text');
      this.emit('eof');
      this.state = 'done';
      return;
    }
    // `{{- ` trims the white space before it.
    let end = at;
    if (hasLeftTrimMarker(s, at + LEFT.length)) while (end > this.start && isSpace(s.charAt(end - 1))) end--;
    if (end > this.start) {
      this.pos = end;
      this.emit('text');
    }
    this.pos = this.start = at;
    this.leftDelim();
  }

  private leftDelim(): void {
    const s = this.s;
    this.pos += LEFT.length;
    const afterMarker = hasLeftTrimMarker(s, this.pos) ? 2 : 0;
    if (s.startsWith('/*', this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.start = this.pos;
      this.comment();
      return;
    }
    this.actionStart = this.start;
    this.emit('leftDelim');
    this.pos += afterMarker;
    this.start = this.pos;
    this.parenDepth = 0;
    this.state = 'action';
  }

  private comment(): void {
    const s = this.s;
    const close = s.indexOf('*/', this.pos + 2);
    if (close < 0) {
      this.error('unclosed comment');
      return;
    }
    this.pos = close + 2;
    const delim = this.atRightDelim();
    if (!delim) {
      this.error('comment ends before closing delimiter');
      return;
    }
    this.pos += (delim === 'trim' ? 2 : 0) + RIGHT.length;
    if (delim === 'trim') while (isSpace(s.charAt(this.pos))) this.pos++;
    this.start = this.pos;
  }

  private atRightDelim(): 'trim' | 'plain' | null {
    if (hasRightTrimMarker(this.s, this.pos) && this.s.startsWith(RIGHT, this.pos + 2)) return 'trim';
    return this.s.startsWith(RIGHT, this.pos) ? 'plain' : null;
  }

  private rightDelim(): void {
    this.state = 'text';
    if (this.atRightDelim() === 'trim') {
      this.pos += 2;
      this.start = this.pos;
      this.pos += RIGHT.length;
      this.emit('rightDelim');
      while (isSpace(this.s.charAt(this.pos))) this.pos++;
      this.start = this.pos;
    } else {
      this.pos += RIGHT.length;
      this.emit('rightDelim');
    }
  }

  /** The action's next token (the right delimiter ends it). */
  private actionToken(): void {
    if (this.atRightDelim()) {
      if (this.parenDepth === 0) this.rightDelim();
      else this.error('unclosed left paren', this.actionStart);
      return;
    }
    const c = this.next();
    if (c === '') this.error('unclosed action: no }} after this {{', this.actionStart);
    else if (isSpace(c)) {
      this.backup(c);
      if (!this.space()) this.rightDelim();
    } else if (c === '=') this.emit('assign');
    else if (c === ':') {
      if (this.next() !== '=') this.error('expected :=');
      else this.emit('declare');
    } else if (c === '|') this.emit('pipe');
    else if (c === '"') this.quote();
    else if (c === '`') this.rawQuote();
    else if (c === '$') this.variable();
    else if (c === "'") this.charConstant();
    else if (c === '.' && this.pos < this.s.length && !/[0-9]/.test(this.s.charAt(this.pos))) this.fieldOrVariable('field');
    else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      this.backup(c);
      this.number();
    } else if (isAlphaNumeric(c)) {
      this.backup(c);
      this.identifier();
    } else if (c === '(') {
      this.parenDepth++;
      this.emit('leftParen');
    } else if (c === ')') {
      this.parenDepth--;
      if (this.parenDepth < 0) this.error('unexpected right paren');
      else this.emit('rightParen');
    } else if (c >= ' ' && c <= '~') this.emit('char');
    else this.error(`unrecognized character in action: ${codePoint(c)}`);
  }

  /** A run of spaces; false when it is the single space of a ` -}}`, which ends the action. */
  private space(): boolean {
    let spaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      spaces++;
    }
    if (hasRightTrimMarker(this.s, this.pos - 1) && this.s.startsWith(RIGHT, this.pos + 1)) {
      this.pos--;
      if (spaces === 1) return false;
    }
    this.emit('space');
    return true;
  }

  private atTerminator(): boolean {
    const c = this.peek();
    return isSpace(c) || c === '' || '.,|:)('.includes(c) || this.s.startsWith(RIGHT, this.pos);
  }

  private identifier(): boolean {
    let c: string;
    while (isAlphaNumeric((c = this.next())));
    this.backup(c);
    if (!this.atTerminator()) return this.error(`bad character ${codePoint(c)}`);
    const word = this.s.slice(this.start, this.pos);
    const keyword = KEYWORDS[word];
    this.emit(keyword ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'));
    return true;
  }

  private variable(): boolean {
    if (this.atTerminator()) {
      this.emit('variable');
      return true;
    }
    return this.fieldOrVariable('variable');
  }

  private fieldOrVariable(type: 'field' | 'variable'): boolean {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return true;
    }
    let c: string;
    while (isAlphaNumeric((c = this.next())));
    this.backup(c);
    if (!this.atTerminator()) return this.error(`bad character ${codePoint(c)}`);
    this.emit(type);
    return true;
  }

  private charConstant(): boolean {
    return this.quoted("'", 'charConstant', 'unterminated character constant');
  }

  private quote(): boolean {
    return this.quoted('"', 'string', 'unterminated quoted string');
  }

  private quoted(quote: string, type: TokenType, unterminated: string): boolean {
    for (;;) {
      let c = this.next();
      if (c === '\\') {
        c = this.next();
        if (c !== '' && c !== '\n') continue;
      }
      if (c === '' || c === '\n') return this.error(unterminated);
      if (c === quote) break;
    }
    this.emit(type);
    return true;
  }

  private rawQuote(): boolean {
    const close = this.s.indexOf('`', this.pos);
    if (close < 0) return this.error('unterminated raw quoted string');
    this.pos = close + 1;
    this.emit('rawString');
    return true;
  }

  private number(): boolean {
    if (!this.scanNumber()) return this.error(`bad number syntax: ${goQuote(this.s.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === '+' || sign === '-') {
      // Complex: 1+2i, no spaces, ending in 'i'.
      if (!this.scanNumber() || this.s.charAt(this.pos - 1) !== 'i') return this.error(`bad number syntax: ${goQuote(this.s.slice(this.start, this.pos))}`);
      this.emit('complex');
    } else this.emit('number');
    return true;
  }

  private accept(valid: string): boolean {
    const c = this.next();
    if (c !== '' && valid.includes(c)) return true;
    this.backup(c);
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

/** Go's `%q` for short, plain text (JSON's quoting agrees with it there); long text is cut. */
export const goQuote = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/** Go's `%#U`: `U+2192 '→'`. */
function codePoint(c: string): string {
  const hex = c === '' ? 'FFFFFFFF' : c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${c}'`;
}
