/**
 * Quick fixes as text edits on the YAML source: replace a value, remove a sequence item or a mapping entry.
 * Works on offsets from the yaml AST and on the text itself (block and flow styles).
 */

import type { Fix, LineIndex } from '../diagnostics';

export type Span = readonly [start: number, end: number];

export function replaceFix(title: string, lines: LineIndex, span: Span, newText: string): Fix {
  return { title, edits: [{ range: lines.range(span[0], span[1]), newText }], preferred: true };
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline ending the line that contains `offset` (or the end of the text). */
function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** The offset of the first non-blank character before `offset` on its line, or -1 at the line start. */
function previousNonBlank(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && isBlank(text.charCodeAt(i))) i--;
  if (i < 0 || text[i] === '\n' || text[i] === '\r') return -1;
  return i;
}

function indentOf(text: string, lineStart: number): number {
  let i = lineStart;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i - lineStart;
}

/**
 * The offsets to delete so that the node at [start, end) — a sequence item or a mapping entry (key start to
 * value end) — disappears and the YAML stays well-formed.
 */
export function removalSpan(text: string, start: number, valueEnd: number): Span {
  // Block collections end after their last line break: step back onto the content.
  let end = valueEnd;
  while (end > start && /\s/.test(text[end - 1])) end--;
  const prev = previousNonBlank(text, start);
  if (prev === -1) return [lineStartOf(text, start), nextLineStart(text, end)];
  const c = text[prev];
  if (c === '-') {
    const dashLine = lineStartOf(text, prev);
    const dashIsItemStart = previousNonBlank(text, prev) === -1;
    // Whole sequence item (start is the item content right after "- ").
    if (dashIsItemStart) {
      const after = nextLineStart(text, end);
      const nextIndent = indentOf(text, after);
      const dashColumn = prev - dashLine;
      const itemContinues = after < text.length && nextIndent > dashColumn && text[after + nextIndent] !== '-'
        && text[after + nextIndent] !== '\n';
      if (!itemContinues) return [dashLine, after];
      // A first entry of a mapping item: pull the next entry up onto the dash line.
      return [start, after + nextIndent];
    }
  }
  if (c === ',') return [prev, end];
  if (c === '[' || c === '{') {
    let i = end;
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (text[i] === ',') {
      i++;
      while (i < text.length && isBlank(text.charCodeAt(i))) i++;
      return [start, i];
    }
  }
  return [start, end];
}

export function removeFix(title: string, text: string, lines: LineIndex, span: Span): Fix {
  const [from, to] = removalSpan(text, span[0], span[1]);
  return { title, edits: [{ range: lines.range(from, to), newText: '' }], preferred: true };
}
