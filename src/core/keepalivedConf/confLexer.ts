/**
 * Splits a keepalived.conf text into logical lines the way keepalived's reader (lib/parser.c `read_line`,
 * `decomment`, `alloc_strvec`) sees them, keeping the position of every piece:
 *
 * - `#` or `!` outside double quotes starts a comment to the end of the line; `\#` and `\!` are literal.
 * - `@ID rest` / `@^ID rest`: a line kept only when keepalived runs with (`@`) or without (`@^`) `-i ID`.
 * - `$NAME=value` defines a parameter (a value ending in `\` continues on the next lines); `$NAME` and
 *   `${NAME}` elsewhere are replaced by keepalived before the line is read, so words holding them are
 *   flagged `hasParameter` and never judged.
 * - `~SEQ(...)` / `~LST(...)` repeat the line's text; the text after the closing parenthesis is read.
 * - `include PATTERN` (also `includer`, `includem`, `includew`, `includeb`, `includea`) reads other files.
 * - `{` and `}` outside quotes are tokens of their own wherever they are; a `"quoted string"` is one word.
 *
 * One pass over the characters; never throws.
 */

import type { Range } from '../diagnostics';

export type TokenKind = 'word' | 'open' | 'close';

export interface ConfToken {
  kind: TokenKind;
  /** The word as keepalived reads it (quotes removed, `\#` unescaped). */
  text: string;
  /** Where it is, quotes included. */
  range: Range;
  quoted: boolean;
  /** Holds a `$NAME` / `${NAME}` parameter that keepalived replaces before parsing. */
  hasParameter: boolean;
}

export interface ConfCondition {
  id: string;
  /** `@^ID`: kept when keepalived does *not* run with `-i ID`. */
  negated: boolean;
  range: Range;
}

export type ConfLineKind = 'tokens' | 'include' | 'definition' | 'directive';

export interface ConfLine {
  kind: ConfLineKind;
  /** 0-based line number (of the first physical line). */
  line: number;
  tokens: ConfToken[];
  condition?: ConfCondition;
  /** `include`: the include word and the pattern as written; `definition`: the parameter name. */
  name?: ConfToken;
  pattern?: ConfToken;
  /** `~SEQ` / `~LST`: the line is repeated with changing parameters. */
  repeated?: boolean;
}

export interface LexProblem {
  kind: 'unterminated-quote';
  range: Range;
}

export interface ConfLexResult {
  lines: ConfLine[];
  comments: Range[];
  problems: LexProblem[];
}

const INCLUDE = /^include[rmwba]?$/;

/** The first `ch` in `text[from, to)`, or -1 (never looks past `to`, so lines stay linear). */
function indexWithin(text: string, ch: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === ch) return i;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

function rangeOf(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Where the comment of a line starts (`#`/`!` outside double quotes, not escaped), or -1. */
function commentStart(text: string, from: number, to: number): number {
  let quote = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quote = !quote;
    else if (c === 92) i++;
    else if (!quote && (c === 35 || c === 33)) return i;
  }
  return -1;
}

interface Cursor {
  text: string;
  line: number;
  lineStart: number;
}

/** Words, strings and braces of `text[from, to)`, one physical line. */
function tokenize(cur: Cursor, from: number, to: number, problems: LexProblem[]): ConfToken[] {
  const { text, line, lineStart } = cur;
  const out: ConfToken[] = [];
  // No `}` after this offset on the line: later `${` need not look again.
  let noCloseFrom = to;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === 123 || c === 125) {
      out.push({ kind: c === 123 ? 'open' : 'close', text: c === 123 ? '{' : '}', range: rangeOf(line, start - lineStart, start + 1 - lineStart), quoted: false, hasParameter: false });
      i++;
      continue;
    }
    if (c === 34) {
      let j = i + 1;
      while (j < to && text.charCodeAt(j) !== 34) j++;
      const closed = j < to;
      const end = closed ? j + 1 : to;
      const value = text.slice(i + 1, closed ? j : to);
      const range = rangeOf(line, start - lineStart, end - lineStart);
      if (!closed) problems.push({ kind: 'unterminated-quote', range });
      out.push({ kind: 'word', text: value, range, quoted: true, hasParameter: value.includes('$') });
      i = end;
      continue;
    }
    // A bare word ends at white space, a quote or a brace; `${NAME}` keeps its braces.
    let j = i;
    let value = '';
    let piece = i;
    while (j < to) {
      const d = text.charCodeAt(j);
      if (isSpace(d) || d === 34) break;
      if (d === 36 && text.charCodeAt(j + 1) === 123 && j + 2 < noCloseFrom) {
        const close = indexWithin(text, 125, j + 2, to);
        if (close !== -1) {
          j = close + 1;
          continue;
        }
        noCloseFrom = j;
      }
      if (d === 123 || d === 125) break;
      if (d === 92 && j + 1 < to && (text.charCodeAt(j + 1) === 35 || text.charCodeAt(j + 1) === 33)) {
        value += text.slice(piece, j);
        piece = j + 1;
        j += 2;
        continue;
      }
      j++;
    }
    value += text.slice(piece, j);
    out.push({ kind: 'word', text: value, range: rangeOf(line, start - lineStart, j - lineStart), quoted: false, hasParameter: value.includes('$') });
    i = j;
  }
  return out;
}

export function lexConf(text: string): ConfLexResult {
  const lines: ConfLine[] = [];
  const comments: Range[] = [];
  const problems: LexProblem[] = [];
  let lineStart = 0;
  let line = 0;
  /** Inside a multi-line `$NAME=...\` definition. */
  let continuingDefinition = false;
  while (lineStart <= text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? text.length : nl;
    const cur: Cursor = { text, line, lineStart };
    const hash = commentStart(text, lineStart, lineEnd);
    const codeEnd = hash === -1 ? lineEnd : hash;
    if (hash !== -1) {
      let end = lineEnd;
      if (end > hash && text.charCodeAt(end - 1) === 13) end--;
      comments.push(rangeOf(line, hash - lineStart, end - lineStart));
    }
    let s = lineStart;
    while (s < codeEnd && isSpace(text.charCodeAt(s))) s++;
    let e = codeEnd;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (continuingDefinition) {
      // Lines of a multi-line definition belong to it; a blank line or one without a trailing `\` ends it.
      continuingDefinition = e > s && text.charCodeAt(e - 1) === 92;
    } else if (e > s) {
      let condition: ConfCondition | undefined;
      if (text.charCodeAt(s) === 64) {
        const negated = text.charCodeAt(s + 1) === 94;
        let idEnd = s + (negated ? 2 : 1);
        while (idEnd < e && !isSpace(text.charCodeAt(idEnd))) idEnd++;
        condition = { id: text.slice(s + (negated ? 2 : 1), idEnd), negated, range: rangeOf(line, s - lineStart, idEnd - lineStart) };
        s = idEnd;
        while (s < e && isSpace(text.charCodeAt(s))) s++;
      }
      if (s < e) {
        const first = /^\$([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text.slice(s, Math.min(e, s + 200)));
        if (first) {
          const nameEnd = s + 1 + first[1].length;
          lines.push({ kind: 'definition', line, tokens: [], condition, name: { kind: 'word', text: first[1], range: rangeOf(line, s - lineStart, nameEnd - lineStart), quoted: false, hasParameter: false } });
          continuingDefinition = text.charCodeAt(e - 1) === 92;
        } else if (text.startsWith('~SEQ', s) || text.startsWith('~LST', s)) {
          const close = indexWithin(text, 41, s, e);
          const rest = close === -1 ? e : close + 1;
          lines.push({ kind: 'tokens', line, tokens: tokenize(cur, rest, e, problems), condition, repeated: true });
        } else if (text.charCodeAt(s) === 126) {
          lines.push({ kind: 'directive', line, tokens: [], condition });
        } else {
          let wordEnd = s;
          while (wordEnd < e && !isSpace(text.charCodeAt(wordEnd))) wordEnd++;
          const word = text.slice(s, wordEnd);
          if (INCLUDE.test(word) && wordEnd < e) {
            let p = wordEnd;
            while (p < e && isSpace(text.charCodeAt(p))) p++;
            const includeWord: ConfToken = { kind: 'word', text: word, range: rangeOf(line, s - lineStart, wordEnd - lineStart), quoted: false, hasParameter: false };
            const pattern: ConfToken = { kind: 'word', text: text.slice(p, e), range: rangeOf(line, p - lineStart, e - lineStart), quoted: false, hasParameter: text.slice(p, e).includes('$') };
            lines.push({ kind: 'include', line, tokens: [includeWord, pattern], condition, name: includeWord, pattern });
          } else {
            lines.push({ kind: 'tokens', line, tokens: tokenize(cur, s, e, problems), condition });
          }
        }
      }
    }
    if (nl === -1) break;
    lineStart = nl + 1;
    line++;
  }
  return { lines, comments, problems };
}
