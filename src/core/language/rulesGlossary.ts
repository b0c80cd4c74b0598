/**
 * Glossary-based hover and value completion for ipvsadm rules lines (`-A -t VIP:PORT -s wrr`): explains
 * schedulers (`-s`), scheduler flags (`-b`) and forwarding methods (`-g`, `-m`, `-i`), and completes the
 * values of `-s`, `-b` and `--tun-type`. The ipvsadm rules language service (`../ipvs/`) covers the whole
 * command line; this is the part built on the glossary, which it may reuse.
 */

import type { Position, Range } from '../diagnostics';
import { SCHED_FLAGS, SCHEDULERS } from '../ipvs/types';
import type { ForwardingMethod } from '../ipvs/types';
import { SCHEDULER_GLOSSARY, glossaryMarkdown, methodMarkdown } from './glossary';
import type { CompletionEntry, HoverResult } from './languageTypes';

const METHOD_SWITCHES: Readonly<Record<string, ForwardingMethod>> = {
  '-g': 'dr', '--gatewaying': 'dr', '-m': 'nat', '--masquerading': 'nat', '-i': 'tun', '--ipip': 'tun',
};
const SCHEDULER_SWITCHES = new Set(['-s', '--scheduler']);
const FLAG_SWITCHES = new Set(['-b', '--sched-flags']);
const TUN_TYPE_SWITCHES = new Set(['--tun-type']);

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const code = line.replace(/(^|\s)#.*$/, '$1');
  for (const m of code.matchAll(/\S+/g)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function rulesGlossaryHover(text: string, position: Position): HoverResult | undefined {
  const line = text.split(/\r?\n/)[position.line];
  if (line === undefined) return undefined;
  const toks = tokens(line);
  const i = toks.findIndex((t) => t.start <= position.character && position.character <= t.end);
  if (i < 0) return undefined;
  const tok = toks[i];
  const method = Object.hasOwn(METHOD_SWITCHES, tok.text) ? METHOD_SWITCHES[tok.text] : undefined;
  if (method) return { contents: methodMarkdown(method), range: lineRange(position.line, tok.start, tok.end) };
  const prev = i > 0 ? toks[i - 1].text : '';
  if (SCHEDULER_SWITCHES.has(prev) || FLAG_SWITCHES.has(prev)) {
    // One item of a comma-separated value.
    let start = position.character;
    let end = position.character;
    while (start > tok.start && line[start - 1] !== ',') start--;
    while (end < tok.end && line[end] !== ',') end++;
    const doc = glossaryMarkdown(line.slice(start, end));
    return doc ? { contents: doc, range: lineRange(position.line, start, end) } : undefined;
  }
  return undefined;
}

export function rulesGlossaryCompletions(text: string, position: Position): CompletionEntry[] {
  const line = text.split(/\r?\n/)[position.line] ?? '';
  const before = line.slice(0, position.character);
  if (/(^|\s)#/.test(before)) return [];
  const m = /(?:^|\s)(-s|--scheduler|-b|--sched-flags|--tun-type)\s+([\w,-]*)$/.exec(before);
  if (!m) return [];
  const typed = m[2];
  const itemStart = typed.lastIndexOf(',') + 1;
  const range = lineRange(position.line, position.character - typed.length + itemStart, position.character);
  if (SCHEDULER_SWITCHES.has(m[1])) {
    return SCHEDULERS.map((s, i): CompletionEntry => ({
      label: s, kind: 'enumMember', detail: SCHEDULER_GLOSSARY[s].title, documentation: glossaryMarkdown(s), range, sortText: String(i).padStart(2, '0'),
    }));
  }
  if (FLAG_SWITCHES.has(m[1])) {
    return SCHED_FLAGS.map((f): CompletionEntry => ({ label: f, kind: 'enumMember', documentation: glossaryMarkdown(f), range }));
  }
  if (TUN_TYPE_SWITCHES.has(m[1])) {
    return ['ipip', 'gue', 'gre'].map((t): CompletionEntry => ({ label: t, kind: 'enumMember', range }));
  }
  return [];
}
