import { goQuote } from './go-template-lex';
import { decodeStringLiteral } from './promql-literals';

/**
 * The literal checks Go's template parser makes (parse.newNumber, strconv.Unquote): why a
 * number, character or string token is refused, or null. Go's escapes are PromQL's (Prometheus'
 * lexer unquotes with the same strconv), so strings are checked by decodeStringLiteral.
 */
export function stringLiteralError(raw: string): string | null {
  const decoded = decodeStringLiteral(raw);
  return 'error' in decoded ? `invalid syntax: ${decoded.error} in ${raw}` : null;
}

export function charConstantError(raw: string): string | null {
  const decoded = decodeStringLiteral(raw);
  if ('error' in decoded) return `invalid syntax: ${decoded.error} in ${raw}`;
  return [...decoded.value].length === 1 ? null : `malformed character constant: ${raw}`;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const HEX = String.raw`[0-9a-fA-F](?:_?[0-9a-fA-F])*`;
// strconv.ParseInt/ParseUint with base 0: prefixes, legacy octal, underscores between digits.
const INT = new RegExp(String.raw`^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?\d)*)$`);
// strconv.ParseFloat: decimal (a whole number too) and hexadecimal (exponent required).
const DECIMAL_FLOAT = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);
const HEX_FLOAT = new RegExp(String.raw`^[+-]?0[xX](?:_?(?:${HEX}(?:\.(?:${HEX})?)?|\.${HEX}))[pP][+-]?${DIGITS}$`);

export function numberError(raw: string, complex: boolean): string | null {
  if (complex) {
    // `1+2i`, as fmt.Sscan reads it: two floats, the second ending in i.
    const split = /^([+-]?[^+-]*?(?:[eEpP][+-][^+-]*?)?)([+-].*)i$/.exec(raw);
    return split && isFloat(split[1]!) && isFloat(split[2]!) ? null : `expected complex number: ${goQuote(raw)}`;
  }
  if (raw.endsWith('i') && isFloat(raw.slice(0, -1))) return null;
  if (INT.test(raw)) {
    const value = BigInt(intLiteral(raw));
    if (value >= -(2n ** 63n) && value < 2n ** 64n) return null;
  }
  if (isFloat(raw)) return /[.eEpP]/.test(raw) ? null : `integer overflow: ${goQuote(raw)}`;
  return `illegal number syntax: ${goQuote(raw)}`;
}

/** The literal in a form BigInt reads: no underscores, `0o` for legacy octal. */
function intLiteral(raw: string): string {
  const sign = raw.startsWith('-') ? '-' : '';
  const digits = raw.replace(/^[+-]/, '').replaceAll('_', '');
  const body = /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  return sign ? `-${body}` : body;
}

function isFloat(raw: string): boolean {
  if (DECIMAL_FLOAT.test(raw)) return Number.isFinite(Number(raw.replaceAll('_', '')));
  if (!HEX_FLOAT.test(raw)) return false;
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(raw.replaceAll('_', ''))!;
  const mantissa = parseInt(`${m[2]}${m[3]}` || '0', 16) / 16 ** m[3]!.length;
  return Number.isFinite(mantissa * 2 ** Number(m[4]));
}
