/**
 * The ipvsadm rules language service as the editor consumes it: the rules completions and hovers of
 * `../ipvs/rulesLanguage.ts` in the shared plain-data shapes, with the glossary's longer explanations of
 * schedulers, scheduler flags and forwarding methods preferred for hovers.
 */

import type { Position } from '../diagnostics';
import { rulesCompletions, rulesHover } from '../ipvs/rulesLanguage';
import type { RulesCompletionKind } from '../ipvs/rulesLanguage';
import type { CompletionEntry, CompletionKind, HoverResult } from './languageTypes';
import { rulesGlossaryCompletions, rulesGlossaryHover } from './rulesGlossary';

const KIND: Readonly<Record<RulesCompletionKind, CompletionKind>> = {
  command: 'keyword',
  option: 'property',
  method: 'enumMember',
  scheduler: 'enumMember',
  flag: 'enumMember',
  service: 'reference',
  value: 'value',
};

export function rulesLanguageCompletions(text: string, position: Position): CompletionEntry[] {
  const items = rulesCompletions(text, position);
  if (items.length === 0) return rulesGlossaryCompletions(text, position);
  // The items replace the whole switch or argument typed so far (a `-b` item carries the flags before
  // the last comma), so the range starts at the token and the typed text is matched against insertText.
  const line = text.split(/\r?\n/)[position.line] ?? '';
  let start = Math.min(position.character, line.length);
  while (start > 0 && !/\s/.test(line[start - 1])) start--;
  const range = { start: { line: position.line, character: start }, end: position };
  return items.map((c, i): CompletionEntry => ({
    label: c.label,
    kind: KIND[c.kind],
    detail: c.detail,
    documentation: c.documentation,
    insertText: c.insertText,
    filterText: c.insertText.trimEnd(),
    range,
    sortText: String(i).padStart(3, '0'),
  }));
}

export function rulesLanguageHover(text: string, position: Position): HoverResult | undefined {
  const glossary = rulesGlossaryHover(text, position);
  if (glossary) return glossary;
  const hover = rulesHover(text, position);
  return hover ? { contents: hover.markdown, range: hover.range } : undefined;
}
