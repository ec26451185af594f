/**
 * Syntax check for label-matcher regexes. Prometheus compiles them with Go's regexp package
 * (RE2 syntax, Perl flags), both anchored as `^(?:re)$` and on their own, and refuses the
 * expression when either fails; JavaScript's RegExp disagrees with RE2 both ways, so this
 * follows Go's parser (regexp/syntax/parse.go) instead. It reports only errors Go reports too:
 * Unicode class names and size limits are left unchecked, so it never refuses a regex
 * Prometheus accepts.
 */
export function regexSyntaxError(pattern: string): string | null {
  return scan(`^(?:${pattern})$`) ?? scan(pattern);
}

function scan(pattern: string): string | null {
  try {
    new Re2Scanner(pattern).run();
    return null;
  } catch (e) {
    if (e instanceof Re2SyntaxError) return e.message;
    throw e;
  }
}

class Re2SyntaxError extends Error {}

function fail(message: string, fragment?: string): never {
  throw new Re2SyntaxError(fragment === undefined ? message : `${message}: \`${fragment}\``);
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const C_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const OCTAL = /[0-7]/;
const REPEAT = /\{(0|[1-9]\d*)(?:(,)(0|[1-9]\d*)?)?\}/y;

class Re2Scanner {
  private i = 0;
  private depth = 0;
  /** Go's parse stack has a real expression on top (not empty, not after `(` or `|`). */
  private hasOperand = false;
  /** Start of the repetition operator just read (Go's `lastRepeat`), or -1. */
  private lastRepeat = -1;

  constructor(private readonly s: string) {}

  run(): void {
    const s = this.s;
    while (this.i < s.length) {
      const lastRepeat = this.lastRepeat;
      this.lastRepeat = -1;
      const c = s.charAt(this.i);
      if (c === '(') this.group();
      else if (c === ')') {
        if (this.depth === 0) fail('unexpected )');
        this.depth--;
        this.operand(this.i + 1);
      } else if (c === '|') {
        this.hasOperand = false;
        this.i++;
      } else if (c === '[') this.operand(this.charClass());
      else if (c === '*' || c === '+' || c === '?') this.repeat(this.i + 1, lastRepeat);
      else if (c === '{') {
        const end = this.repeatCount();
        if (end < 0) this.operand(this.i + 1);
        else this.repeat(end, lastRepeat);
      } else if (c === '\\') this.escape();
      else this.operand(this.i + 1);
    }
    if (this.depth > 0) fail('missing closing )');
  }

  private operand(next: number): void {
    this.hasOperand = true;
    this.i = next;
  }

  private repeat(after: number, lastRepeat: number): void {
    const end = this.s.charAt(after) === '?' ? after + 1 : after;
    if (lastRepeat >= 0) fail('invalid nested repetition operator', this.s.slice(lastRepeat, end));
    if (!this.hasOperand) fail('missing argument to repetition operator', this.s.slice(this.i, end));
    this.lastRepeat = this.i;
    this.i = end;
  }

  /** End of a `{n}`, `{n,}` or `{n,m}` at the cursor, or -1 when the brace is a literal. */
  private repeatCount(): number {
    REPEAT.lastIndex = this.i;
    const m = REPEAT.exec(this.s);
    if (!m) return -1;
    const min = Number(m[1]);
    const max = m[2] ? (m[3] === undefined ? -1 : Number(m[3])) : min;
    if (min > 1000 || max > 1000 || (max >= 0 && min > max)) fail('invalid repeat count', m[0]);
    return REPEAT.lastIndex;
  }

  private group(): void {
    const s = this.s;
    const start = this.i;
    if (s.charAt(start + 1) !== '?') return this.open(start + 1);
    // `(?<name>` is Go 1.22+; older Prometheus builds refuse it, newer ones accept it.
    const name = s.startsWith('(?P<', start) ? start + 4 : s.charAt(start + 2) === '<' ? start + 3 : -1;
    if (name >= 0) {
      const close = s.indexOf('>', name);
      if (close < 0 || !/^\w+$/.test(s.slice(name, close))) fail('invalid named capture', s.slice(start, close < 0 ? name : close + 1));
      return this.open(close + 1);
    }
    let negated = false;
    let sawFlag = false;
    for (let j = start + 2; j < s.length; j++) {
      const f = s.charAt(j);
      if (f === 'i' || f === 'm' || f === 's' || f === 'U') sawFlag = true;
      else if (f === '-' && !negated) {
        negated = true;
        sawFlag = false;
      } else if ((f === ':' || f === ')') && (!negated || sawFlag)) {
        if (f === ':') return this.open(j + 1);
        // A flags-only group like `(?i)` changes flags and leaves the stack as it was.
        this.i = j + 1;
        return;
      } else fail('invalid or unsupported Perl syntax', s.slice(start, j + 1));
    }
    fail('missing closing )');
  }

  private open(next: number): void {
    this.depth++;
    this.hasOperand = false;
    this.i = next;
  }

  private escape(): void {
    const s = this.s;
    const c = s.charAt(this.i + 1);
    if (c === 'A' || c === 'b' || c === 'B' || c === 'z' || PERL_CLASSES.has(c)) return this.operand(this.i + 2);
    if (c === 'C') fail('invalid escape sequence', '\\C');
    if (c === 'Q') {
      const end = s.indexOf('\\E', this.i + 2);
      const literal = end < 0 ? s.length - this.i - 2 : end - this.i - 2;
      this.hasOperand ||= literal > 0;
      this.i = end < 0 ? s.length : end + 2;
      return;
    }
    if (c === 'p' || c === 'P') return this.operand(this.unicodeClass(this.i));
    this.operand(this.escapedChar(this.i).end);
  }

  /** `\pL` or `\p{Greek}`: one-letter names are the general categories; long ones go unchecked. */
  private unicodeClass(at: number): number {
    const s = this.s;
    const letter = s.charAt(at + 2);
    if (letter !== '{') {
      if (letter === '' || !'CLMNPSZ'.includes(letter)) fail('invalid character class range', s.slice(at, at + 3));
      return at + 3;
    }
    const close = s.indexOf('}', at);
    if (close < 0) fail('invalid character class range', s.slice(at));
    return close + 1;
  }

  /** One escaped character (Go's parseEscape): its code point and where it ends. */
  private escapedChar(at: number): { value: number; end: number } {
    const s = this.s;
    const c = s.charAt(at + 1);
    if (c === '') fail('trailing backslash at end of expression');
    if (c < '\x80' && !/[0-9A-Za-z]/.test(c)) return { value: c.charCodeAt(0), end: at + 2 };
    if (c === '0' || (c >= '1' && c <= '7' && OCTAL.test(s.charAt(at + 2)))) {
      let end = at + 2;
      while (end < at + 4 && OCTAL.test(s.charAt(end))) end++;
      return { value: parseInt(s.slice(at + 1, end), 8), end };
    }
    if (c === 'x') {
      if (s.charAt(at + 2) === '{') {
        const close = s.indexOf('}', at + 3);
        const hex = close < 0 ? '' : s.slice(at + 3, close);
        if (/^[0-9A-Fa-f]+$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) return { value: parseInt(hex, 16), end: close + 1 };
      } else if (/^[0-9A-Fa-f]{2}$/.test(s.slice(at + 2, at + 4))) {
        return { value: parseInt(s.slice(at + 2, at + 4), 16), end: at + 4 };
      }
    }
    const value = C_ESCAPES[c];
    if (value !== undefined) return { value, end: at + 2 };
    return fail('invalid escape sequence', `\\${c}`);
  }

  /** A bracketed class (Go's parseClass); returns where it ends. */
  private charClass(): number {
    const s = this.s;
    let i = s.charAt(this.i + 1) === '^' ? this.i + 2 : this.i + 1;
    // `]` right after the opening bracket is a literal.
    for (let first = true; first || s.charAt(i) !== ']'; first = false) {
      if (i >= s.length) fail('missing closing ]');
      if (s.startsWith('[:', i)) {
        const close = s.indexOf(':]', i + 2);
        if (close >= 0) {
          if (!POSIX_CLASSES.has(s.slice(i + 2, close).replace(/^\^/, ''))) fail('invalid character class range', s.slice(i, close + 2));
          i = close + 2;
          continue;
        }
      }
      const next = s.charAt(i + 1);
      if (s.charAt(i) === '\\' && (next === 'p' || next === 'P')) {
        i = this.unicodeClass(i);
        continue;
      }
      if (s.charAt(i) === '\\' && PERL_CLASSES.has(next)) {
        i += 2;
        continue;
      }
      const lo = this.classChar(i);
      if (s.charAt(lo.end) === '-' && lo.end + 1 < s.length && s.charAt(lo.end + 1) !== ']') {
        const hi = this.classChar(lo.end + 1);
        if (hi.value < lo.value) fail('invalid character class range', s.slice(i, hi.end));
        i = hi.end;
      } else i = lo.end;
    }
    return i + 1;
  }

  private classChar(at: number): { value: number; end: number } {
    const s = this.s;
    if (at >= s.length) fail('missing closing ]');
    if (s.charAt(at) === '\\') return this.escapedChar(at);
    const value = s.codePointAt(at) ?? 0;
    return { value, end: at + (value > 0xffff ? 2 : 1) };
  }
}
