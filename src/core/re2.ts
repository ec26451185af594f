/**
 * Syntax check for the regexes Prometheus compiles with Go's regexp package (RE2 syntax, Perl
 * flags): PromQL label matchers and relabel regexes. JavaScript's RegExp disagrees with RE2
 * both ways, so this follows Go's parser (regexp/syntax/parse.go) instead, limits included:
 * repeat counts whose nesting multiplies past 1,000, nesting past 1,000 levels and programs
 * past 128 MB (checks Go added in 1.19 and 1.20). It reports only errors Go reports too
 * (Unicode class names go unchecked), so it never refuses a regex Prometheus accepts, with
 * one deliberate exception: `(?<name>…)`, which Go accepts only since 1.22 (Prometheus 2.51);
 * `(?P<name>…)` works everywhere. Nothing here ever matches text with a regex: a user's
 * pattern run by a backtracking engine could take exponential time.
 * The scan is linear in the pattern's length, which is bounded too (RE2_LIMITS.maxLength).
 */
export const RE2_LIMITS = {
  /** Characters; ours (Go has none besides the program size). */
  maxLength: 16_384,
  /** Go's maxHeight: levels of the parsed expression tree. */
  maxHeight: 1000,
  /** Go's repeatIsValid budget: nested counts multiplied, as in `(a{10}){100}`. */
  maxRepeat: 1000,
  /** Go's maxSize: 128 MB of 40-byte instructions, estimated as Go's calcSize does. */
  maxSize: Math.floor((128 << 20) / 40),
} as const;

/**
 * How Prometheus compiles the regex: relabel regexes anchored (`^(?:re)$`); label matchers
 * both anchored and on their own (for its matcher optimisations), refusing either failure.
 */
export type Re2Use = 'relabel' | 'matcher';

/** Why Prometheus would refuse `pattern`, or null. */
export function re2SyntaxError(pattern: string, use: Re2Use): string | null {
  if (pattern.length > RE2_LIMITS.maxLength) return `regex is ${pattern.length} characters long; at most ${RE2_LIMITS.maxLength} are allowed`;
  return scan(`^(?:${pattern})$`) ?? (use === 'matcher' ? scan(pattern) : null);
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

function fail(message: string, fragment?: string, hint?: string): never {
  const shown = fragment === undefined ? '' : `: \`${fragment.length > 40 ? `${fragment.slice(0, 40)}…` : fragment}\``;
  throw new Re2SyntaxError(`${message}${shown}${hint ? ` (${hint})` : ''}`);
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const PERL_CLASSES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const C_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const OCTAL = /[0-7]/;
const REPEAT = /\{(0|[1-9]\d*)(?:(,)(0|[1-9]\d*)?)?\}/y;
// What people bring from other regex dialects, with the reason Go gives no words for.
const PERL_HINTS: [prefix: string, hint: string][] = [
  ['(?=', 'RE2 has no lookahead'],
  ['(?!', 'RE2 has no lookahead'],
  ['(?<=', 'RE2 has no lookbehind'],
  ['(?<!', 'RE2 has no lookbehind'],
  ['(?<', 'write a named group as (?P<name>…)'],
  ['(?P=', 'RE2 has no backreferences'],
];

/** One parsed piece, as far as Go's limits care: its calcSize, height and repeat budget. */
interface Item {
  size: number;
  height: number;
  /** The smallest budget repeatIsValid passes this with (0: any); see repeat(). */
  need: number;
  /** A plain literal character: runs of them are one node in Go's tree. */
  literal: boolean;
}

/** An open group (or the whole pattern) with what has been read inside it. */
interface Frame {
  capture: boolean;
  /** calcSize of the finished alternatives, and how many there are. */
  done: number;
  alternatives: number;
  /** Sum of the current alternative's items, and how many of them are not plain literals. */
  size: number;
  items: number;
  nonLiteral: boolean;
  height: number;
  need: number;
}

const newFrame = (capture: boolean): Frame => ({ capture, done: 0, alternatives: 0, size: 0, items: 0, nonLiteral: false, height: 0, need: 0 });

class Re2Scanner {
  private i = 0;
  private readonly frames: Frame[] = [newFrame(false)];
  /** The last item read, which a repetition applies to; not yet added to its frame. */
  private last: Item | null = null;
  /** Start of the repetition operator just read (Go's `lastRepeat`), or -1. */
  private lastRepeat = -1;
  /** Where the next `:]` is at or after some offset (a POSIX class name runs to it), cached: see charClass. */
  private posixEnd = { from: Infinity, at: -1 };

  constructor(private readonly s: string) {}

  run(): void {
    const s = this.s;
    while (this.i < s.length) {
      const lastRepeat = this.lastRepeat;
      this.lastRepeat = -1;
      const c = s.charAt(this.i);
      if (c === '(') this.group();
      else if (c === ')') this.close();
      else if (c === '|') this.alternative();
      else if (c === '[') this.operand(this.charClass());
      else if (c === '*' || c === '+' || c === '?') this.repeat(this.i + 1, lastRepeat, c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1], false);
      else if (c === '{') {
        const count = this.repeatCount();
        if (!count) this.operand(this.i + 1, true);
        else this.repeat(count.end, lastRepeat, [count.min, count.max], true);
      } else if (c === '\\') this.escape();
      else this.operand(this.i + 1, c !== '^' && c !== '$' && c !== '.');
    }
    if (this.frames.length > 1) fail('missing closing )');
    this.settle();
    const whole = this.finish(this.frames[0]!);
    if (whole.size > RE2_LIMITS.maxSize) fail(`expression too large: it would compile to more than ${RE2_LIMITS.maxSize} instructions`);
    if (whole.height > RE2_LIMITS.maxHeight) fail(`expression nests too deeply: more than ${RE2_LIMITS.maxHeight} levels`);
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  /** Adds the pending item to its frame: nothing can repeat it any more. */
  private settle(): void {
    const item = this.last;
    if (!item) return;
    const f = this.frame;
    f.size += item.size;
    f.items++;
    f.nonLiteral ||= !item.literal;
    f.height = Math.max(f.height, item.height);
    f.need = Math.max(f.need, item.need);
    this.last = null;
  }

  private push(item: Item, next: number): void {
    this.settle();
    this.last = item;
    this.i = next;
  }

  /** A single-node operand: a character, class, anchor or escape. */
  private operand(next: number, literal = false): void {
    this.push({ size: 1, height: 1, need: 0, literal }, next);
  }

  private alternative(): void {
    this.settle();
    const f = this.frame;
    f.done += Math.max(1, f.size);
    f.alternatives++;
    Object.assign(f, { size: 0, items: 0, nonLiteral: false });
    this.i++;
  }

  private close(): void {
    if (this.frames.length === 1) fail('unexpected )');
    this.settle();
    const group = this.finish(this.frames.pop()!);
    this.push(group, this.i + 1);
  }

  /** The group as one item: Go's sizes (a capture costs 2 more) and a lower bound of its height. */
  private finish(f: Frame): Item {
    // A concatenation is a node of its own unless it is one run of literal characters.
    const concat = f.items > 1 && f.nonLiteral ? 1 : 0;
    const cap = f.capture ? 1 : 0;
    const size = f.done + Math.max(1, f.size) + f.alternatives + 2 * cap;
    return { size, height: f.height + concat + cap, need: f.need, literal: false };
  }

  /**
   * `*`, `+`, `?` or `{min,max}` (max -1: unbounded) on the last item. Go refuses counts whose
   * nesting multiplies past 1,000 (repeatIsValid: each count divides the budget left for the
   * ones inside); an item's `need` is the budget it needs: count × what its inside needs.
   */
  private repeat(after: number, lastRepeat: number, [min, max]: [number, number], counted: boolean): void {
    const end = this.s.charAt(after) === '?' ? after + 1 : after;
    if (lastRepeat >= 0) fail('invalid nested repetition operator', this.s.slice(lastRepeat, end));
    const sub = this.last;
    if (!sub) fail('missing argument to repetition operator', this.s.slice(this.i, end));
    let need = sub.need;
    if (counted) {
      const m = max === -1 ? min : max;
      need = m === 0 ? 0 : m * Math.max(1, sub.need);
      if ((min >= 2 || max >= 2) && need > RE2_LIMITS.maxRepeat) fail('invalid repeat count', this.s.slice(this.i, after));
    }
    // Go's calcSize: x* and x{0,} take 2 + x; x+ and x? 1 + x; x{n,} 1 + n·x; x{n,m} m·x + (m − n).
    const size = max === -1 ? (min === 0 ? 2 + sub.size : 1 + min * sub.size) : max === 1 && min === 0 ? 1 + sub.size : max * sub.size + (max - min);
    this.last = { size, height: sub.height + 1, need, literal: false };
    this.lastRepeat = this.i;
    this.i = end;
  }

  /** A `{n}`, `{n,}` or `{n,m}` at the cursor, or null when the brace is a literal. */
  private repeatCount(): { min: number; max: number; end: number } | null {
    REPEAT.lastIndex = this.i;
    const m = REPEAT.exec(this.s);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] ? (m[3] === undefined ? -1 : Number(m[3])) : min;
    if (min > RE2_LIMITS.maxRepeat || max > RE2_LIMITS.maxRepeat || (max >= 0 && min > max)) fail('invalid repeat count', m[0]);
    return { min, max, end: REPEAT.lastIndex };
  }

  private group(): void {
    const s = this.s;
    const start = this.i;
    if (s.charAt(start + 1) !== '?') return this.open(start + 1, true);
    if (s.startsWith('(?P<', start)) {
      const name = start + 4;
      const close = s.indexOf('>', name);
      if (close < 0 || !/^\w+$/.test(s.slice(name, close))) fail('invalid named capture', s.slice(start, close < 0 ? name : close + 1));
      return this.open(close + 1, true);
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
        if (f === ':') return this.open(j + 1, false);
        // A flags-only group like `(?i)` changes flags and leaves the stack as it was.
        this.i = j + 1;
        return;
      } else {
        const hint = PERL_HINTS.find(([prefix]) => s.startsWith(prefix, start))?.[1];
        fail('invalid or unsupported Perl syntax', s.slice(start, j + 1), hint);
      }
    }
    fail('missing closing )');
  }

  private open(next: number, capture: boolean): void {
    this.settle();
    this.frames.push(newFrame(capture));
    this.i = next;
  }

  private escape(): void {
    const s = this.s;
    const c = s.charAt(this.i + 1);
    if (c === 'A' || c === 'b' || c === 'B' || c === 'z' || PERL_CLASSES.has(c)) return this.operand(this.i + 2);
    if (c === 'C') fail('invalid escape sequence', '\\C');
    if (c === 'Q') {
      const end = s.indexOf('\\E', this.i + 2);
      const stop = end < 0 ? s.length : end;
      // Each quoted character is a literal operand (a repetition after `\E` takes the last one).
      for (let j = this.i + 2; j < stop; j++) this.operand(j + 1, true);
      this.i = end < 0 ? s.length : end + 2;
      return;
    }
    if (c === 'p' || c === 'P') return this.operand(this.unicodeClass(this.i));
    this.operand(this.escapedChar(this.i).end, true);
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
    return fail('invalid escape sequence', `\\${c}`, c >= '1' && c <= '9' ? 'RE2 has no backreferences' : undefined);
  }

  /** A bracketed class (Go's parseClass); returns where it ends. */
  private charClass(): number {
    const s = this.s;
    let i = s.charAt(this.i + 1) === '^' ? this.i + 2 : this.i + 1;
    // `]` right after the opening bracket is a literal.
    for (let first = true; first || s.charAt(i) !== ']'; first = false) {
      if (i >= s.length) fail('missing closing ]');
      if (s.startsWith('[:', i)) {
        const close = this.nextPosixEnd(i + 2);
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

  /**
   * Go takes a POSIX class name up to the next `:]` anywhere after `[:`, as far as it is.
   * Searching afresh for every `[:` made `[[:[:[:…` quadratic (5.5 s for 64 KB); the offsets
   * asked for only grow, so the last answer holds until the cursor passes it.
   */
  private nextPosixEnd(from: number): number {
    const cached = this.posixEnd;
    if (from < cached.from || (cached.at >= 0 && from > cached.at)) {
      cached.from = from;
      cached.at = this.s.indexOf(':]', from);
    }
    return cached.at;
  }

  private classChar(at: number): { value: number; end: number } {
    const s = this.s;
    if (at >= s.length) fail('missing closing ]');
    if (s.charAt(at) === '\\') return this.escapedChar(at);
    const value = s.codePointAt(at) ?? 0;
    return { value, end: at + (value > 0xffff ? 2 : 1) };
  }
}
