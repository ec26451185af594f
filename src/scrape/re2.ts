/**
 * Prometheus compiles relabel regexes with Go's RE2, which differs from JS RegExp both ways:
 * RE2 refuses lookaround and backreferences, and accepts syntax JS lacks (`(?i)`, `(?P<n>…)`,
 * `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`, `\x{…}`, a literal `{` or `]`). We rewrite the
 * RE2 pattern into a JS pattern that compiles exactly when RE2's would (for all practical
 * patterns) and let V8, in unicode mode (strict about escapes, like RE2), judge the rest.
 * The translation is for validation only; nothing here matches with it.
 */

/** Why Go's regexp would refuse `pattern` (anchored as Prometheus anchors it), or null. */
export function re2Error(pattern: string): string | null {
  const anchored = `^(?:${pattern})$`;
  let js: string;
  try {
    js = new Translator(anchored).run();
  } catch (e) {
    if (e instanceof Re2SyntaxError) return e.message;
    throw e;
  }
  try {
    new RegExp(js, 'u');
    return null;
  } catch (e) {
    // V8 says "Invalid regular expression: /<pattern>/u: <reason>"; the translated pattern would confuse.
    const reason = /: ([^:]+)$/.exec((e as Error).message)?.[1] ?? 'invalid regular expression';
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

class Re2SyntaxError extends Error {}
function fail(message: string): never {
  throw new Re2SyntaxError(message);
}

const MAX_REPEAT = 1000; // Go's regexp/syntax limit on {n,m}
const OCTAL = /[0-7]/;
const HEX = /^[0-9a-fA-F]+$/;
const PERL_CLASS = /[dDsSwW]/;
const SIMPLE_ESCAPES: Record<string, string> = { a: '\\u{7}', f: '\\f', t: '\\t', n: '\\n', r: '\\r', v: '\\v' };
const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const UNICODE_CATEGORY = /^(?:[CLMNPSZ]|C[cfos]|L[lmotu]|M[cen]|N[dlo]|P[cdefios]|S[ckmo]|Z[lps])$/;

const literal = (ch: string): string => `\\u{${ch.codePointAt(0)!.toString(16)}}`;

class Translator {
  private pos = 0;
  private out = '';

  constructor(private readonly src: string) {}

  run(): string {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') this.escape(false);
      else if (c === '[') this.charClass();
      else if (c === '(') this.group();
      else if (c === '{') this.brace();
      else if (c === '}' || c === ']') {
        this.out += `\\${c}`;
        this.pos++;
      } else {
        this.out += c;
        this.pos++;
      }
    }
    return this.out;
  }

  private rest(): string {
    return this.src.slice(this.pos);
  }

  private group(): void {
    const rest = this.rest();
    if (!rest.startsWith('(?')) {
      this.out += '(';
      this.pos++;
      return;
    }
    if (/^\(\?[=!]/.test(rest)) fail('lookahead (?= (?! is not supported by RE2');
    if (/^\(\?<[=!]/.test(rest)) fail('lookbehind (?<= (?<! is not supported by RE2');
    if (rest.startsWith('(?P=')) fail('backreferences are not supported by RE2');
    if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.pos += 3;
      return;
    }
    const named = /^\(\?(P?)<([^>]*)>/.exec(rest);
    if (named) {
      if (!named[1]) fail('named groups must be written (?P<name>...)');
      if (!/^\w+$/.test(named[2]!)) fail(`invalid named capture group name "${named[2]}"`);
      // JS group names are identifiers, RE2's may start with a digit: prefix to keep them legal.
      this.out += `(?<_${named[2]}>`;
      this.pos += named[0].length;
      return;
    }
    const flags = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
    if (flags && (flags[1] || flags[2]) && flags[2] !== '') {
      // Flags do not change whether a pattern is valid, so only the group shape is kept.
      this.out += flags[3] === ':' ? '(?:' : '';
      this.pos += flags[0].length;
      return;
    }
    fail(`invalid or unsupported group syntax ${rest.slice(0, 4)}`);
  }

  private brace(): void {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.rest());
    if (!m) {
      // RE2 reads a brace that does not start a repetition as a literal; JS (unicode) refuses it.
      this.out += '\\{';
      this.pos++;
      return;
    }
    const min = Number(m[1]);
    const max = m[3] ? Number(m[3]) : min;
    if (min > MAX_REPEAT || max > MAX_REPEAT) fail(`invalid repeat count ${m[0]} (RE2 allows at most ${MAX_REPEAT})`);
    this.out += m[0];
    this.pos += m[0].length;
  }

  /** Translates one escape at `pos` (the backslash); returns true when it was a class escape like \d. */
  private escape(inClass: boolean): boolean {
    const c = this.src[this.pos + 1];
    if (c === undefined) return fail('trailing backslash at end of expression');
    const at = this.src.slice(this.pos, this.pos + 2);
    this.pos += 2;
    if (PERL_CLASS.test(c)) {
      this.out += at;
      return true;
    }
    if (c === 'p' || c === 'P') {
      this.out += this.unicodeClass(c);
      return true;
    }
    if (!inClass && (c === 'b' || c === 'B')) this.out += at;
    else if (!inClass && c === 'A') this.out += '^';
    else if (!inClass && c === 'z') this.out += '$';
    else if (!inClass && c === 'Q') this.quoted();
    else if (c === 'x') this.out += this.hex();
    else if (OCTAL.test(c)) this.out += this.octal(c);
    else if (c === '8' || c === '9' || c === 'k') fail('backreferences are not supported by RE2');
    else if (SIMPLE_ESCAPES[c]) this.out += SIMPLE_ESCAPES[c];
    else if (c < '\x80' && !/[A-Za-z0-9]/.test(c)) this.out += literal(c);
    else fail(`invalid escape sequence ${at}`);
    return false;
  }

  private unicodeClass(p: 'p' | 'P'): string {
    let name: string;
    if (this.src[this.pos] === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) fail('invalid character class range: missing }');
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.src[this.pos] ?? fail('invalid character class range');
      this.pos++;
    }
    let negate = p === 'P';
    if (name.startsWith('^')) {
      negate = !negate;
      name = name.slice(1);
    }
    const prop = UNICODE_CATEGORY.test(name) || name === 'Any' ? name : `Script=${name}`;
    return `\\${negate ? 'P' : 'p'}{${prop}}`;
  }

  private quoted(): void {
    const end = this.src.indexOf('\\E', this.pos);
    const text = this.src.slice(this.pos, end < 0 ? undefined : end);
    for (const ch of text) this.out += literal(ch);
    this.pos = end < 0 ? this.src.length : end + 2;
  }

  private hex(): string {
    const rest = this.rest();
    const m = /^\{([^}]*)\}/.exec(rest) ?? /^(..)/.exec(rest);
    const digits = m?.[1] ?? '';
    if (!m || !HEX.test(digits) || parseInt(digits, 16) > 0x10ffff) fail(`invalid escape sequence \\x${rest.slice(0, 4)}`);
    this.pos += m[0].length;
    return `\\u{${digits}}`;
  }

  private octal(first: string): string {
    // RE2: \0 and \1-\7 followed by an octal digit are octal codes; a lone \1-\7 is a backreference.
    let digits = first;
    while (digits.length < 3 && OCTAL.test(this.src[this.pos] ?? '')) digits += this.src[this.pos++];
    if (first !== '0' && digits.length === 1) fail('backreferences are not supported by RE2');
    return `\\u{${parseInt(digits, 8).toString(16)}}`;
  }

  private charClass(): void {
    this.out += '[';
    this.pos++;
    if (this.src[this.pos] === '^') {
      this.out += '^';
      this.pos++;
    }
    let first = true;
    let afterClassEscape = false;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) fail('missing closing ]');
      if (c === ']' && !first) break;
      let classEscape = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest());
      if (posix) {
        if (!POSIX_CLASSES.has(posix[2]!)) fail(`invalid character class range ${posix[0]}`);
        // A stand-in class with the same shape: validity does not depend on which characters it holds.
        this.out += posix[1] ? '\\W' : '\\w';
        this.pos += posix[0].length;
        classEscape = true;
      } else if (c === '\\') {
        classEscape = this.escape(true);
      } else if (c === '-' && afterClassEscape && this.src[this.pos + 1] !== ']') {
        // RE2 (Perl mode) takes `-` after a class as a literal; JS unicode mode calls it a bad range.
        this.out += '\\-';
        this.pos++;
      } else {
        this.out += c === ']' || c === '[' ? `\\${c}` : c;
        this.pos++;
      }
      afterClassEscape = classEscape;
      first = false;
    }
    this.out += ']';
    this.pos++;
  }
}
