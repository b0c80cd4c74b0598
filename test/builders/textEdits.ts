/** Applies LSP text edits (a quick fix) to a text, for tests. */

import { LineIndex, type TextEdit } from '../../src/core/diagnostics';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits
    .map((e) => ({ from: lines.offset(e.range.start), to: lines.offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.from - a.from);
  let out = text;
  for (const s of spans) out = out.slice(0, s.from) + s.newText + out.slice(s.to);
  return out;
}
