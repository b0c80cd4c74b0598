/**
 * Editor data for keepalived.conf, as plain data: hovers (what a keyword means, its block, the release
 * that introduced it, its old spelling; what a scheduler does), the outline (document symbols of every
 * block), folding ranges (blocks and runs of comment lines) and completions (the keywords valid in the
 * block at the cursor; schedulers, methods and states after their keyword).
 */

import type { Position, Range } from '../diagnostics';
import { isScheduler, SCHEDULER_DOCS } from '../ipvs/schedulers';
import { SCHEDULERS } from '../ipvs/types';
import type { CompletionEntry, HoverResult } from '../language/languageTypes';
import { parseConf } from './confParser';
import type { ConfNode } from './confParser';
import { blockKeywords, compareVersions, sinceText, TARGET_VERSION } from './keywords';
import type { Keyword } from './keywords';

export type SymbolKind = 'namespace' | 'object' | 'module' | 'event' | 'array' | 'function';

export interface ConfSymbol {
  name: string;
  detail: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: ConfSymbol[];
}

export interface ConfFoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment';
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function within(p: Position, r: Range): boolean {
  return !before(p, r.start) && !before(r.end, p);
}

interface Located {
  node: ConfNode;
  keyword?: Keyword;
  block: string;
}

/** The statement whose keyword or values hold `p`, and the block id it is in. */
function locate(nodes: readonly ConfNode[], block: string, p: Position): Located | undefined {
  for (const node of nodes) {
    const kw = blockKeywords(block).get(node.keyword.text);
    const head = { start: node.keyword.range.start, end: (node.args[node.args.length - 1] ?? node.keyword).range.end };
    if (within(p, head)) return { node, keyword: kw, block };
    if (node.block && kw?.child.kind === 'keywords' && within(p, node.range)) {
      const inner = locate(node.block.children, kw.child.block, p);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The block id that holds position `p`; `values:BLOCK.KEYWORD` inside a value block; undefined inside an unknown block. */
function blockAt(nodes: readonly ConfNode[], block: string, p: Position): string | undefined {
  for (const node of nodes) {
    if (!node.block || !before(node.block.open.start, p)) continue;
    if (node.block.close && !before(p, node.block.close.end)) continue;
    const kw = blockKeywords(block).get(node.keyword.text);
    if (!kw) return undefined;
    if (kw.child.kind === 'values') return `values:${block}.${kw.name}`;
    if (kw.child.kind === 'keywords') return blockAt(node.block.children, kw.child.block, p);
    return undefined;
  }
  return block;
}

/** Value blocks whose lines name blocks defined at the top level: the keywords that define them. */
const NAMED_VALUES: Readonly<Record<string, readonly string[]>> = {
  'vrrp_instance.track_script': ['vrrp_script'],
  'vrrp_sync_group.track_script': ['vrrp_script'],
  'vrrp_instance.track_file': ['track_file', 'vrrp_track_file'],
  'vrrp_sync_group.track_file': ['track_file', 'vrrp_track_file'],
  'vrrp_instance.track_process': ['vrrp_track_process'],
  'vrrp_sync_group.track_process': ['vrrp_track_process'],
  'vrrp_instance.track_bfd': ['bfd_instance'],
  'vrrp_sync_group.track_bfd': ['bfd_instance'],
  'vrrp_sync_group.group': ['vrrp_instance'],
};

function blockTitle(block: string): string {
  return block === 'root' ? 'top level' : block;
}

export function keywordMarkdown(kw: Keyword): string {
  const parts = [`**${kw.name}** — in ${blockTitle(kw.block)} · ${sinceText(kw.since)}`];
  if (compareVersions(kw.since, TARGET_VERSION) > 0) parts.push(`Not in keepalived ${TARGET_VERSION} (Debian 12): it reports an unknown keyword.`);
  if (kw.doc) parts.push(kw.doc);
  if (kw.deprecated) parts.push(`Deprecated since keepalived ${kw.deprecated.since}: ${kw.deprecated.replacement ? `write \`${kw.deprecated.replacement}\`.` : kw.deprecated.advice ?? ''}`);
  const v = kw.value;
  if (v?.kind === 'integer') parts.push(`Value: an integer ${v.min}–${v.max}${v.then ? ` [${v.then.join('|')}]` : ''}.`);
  else if (v?.kind === 'seconds') parts.push(`Value: seconds${v.max !== undefined ? ` ${v.min}–${v.max}` : ''}.`);
  else if (v?.kind === 'choice') parts.push(`Value: ${v.values.map((x) => `\`${x}\``).join(', ')}.`);
  if (kw.child.kind === 'keywords') parts.push('Opens a `{ }` block of keywords.');
  else if (kw.child.kind === 'values') parts.push('Opens a `{ }` block of values, one per line.');
  return parts.join('\n\n');
}

export function keepalivedHover(text: string, position: Position): HoverResult | undefined {
  const found = locate(parseConf(text).nodes, 'root', position);
  if (!found) return undefined;
  const { node, keyword } = found;
  if (within(position, node.keyword.range)) {
    return keyword ? { contents: keywordMarkdown(keyword), range: node.keyword.range } : undefined;
  }
  const arg = node.args.find((a) => within(position, a.range));
  if (arg && keyword?.value?.kind === 'scheduler' && isScheduler(arg.text)) {
    const d = SCHEDULER_DOCS[arg.text];
    return { contents: `**${arg.text}** — ${d.name} scheduler\n\n${d.doc}`, range: arg.range };
  }
  return undefined;
}

const SYMBOL_KINDS: Readonly<Record<string, SymbolKind>> = {
  global_defs: 'namespace',
  vrrp_instance: 'object',
  vrrp_sync_group: 'array',
  vrrp_script: 'function',
  virtual_server: 'module',
  virtual_server_group: 'array',
  real_server: 'object',
};

/** What the outline shows beside a block: the settings one looks for first (each with its old spelling). */
const DETAIL_KEYWORDS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  vrrp_instance: [['state'], ['priority'], ['virtual_router_id'], ['interface']],
  virtual_server: [['lvs_sched', 'lb_algo'], ['lvs_method', 'lb_kind'], ['protocol']],
  real_server: [['weight']],
};
const LABELLED: Readonly<Record<string, string>> = { priority: 'priority', virtual_router_id: 'vrid', weight: 'weight' };

function symbolDetail(node: ConfNode): string {
  const wanted = DETAIL_KEYWORDS[node.keyword.text];
  if (!wanted || !node.block) return '';
  const parts: string[] = [];
  for (const spellings of wanted) {
    const child = node.block.children.find((c) => spellings.includes(c.keyword.text) && c.args[0]);
    if (!child) continue;
    const label = LABELLED[child.keyword.text];
    parts.push(label ? `${label} ${child.args[0].text}` : child.args[0].text);
  }
  return parts.join(' · ');
}

function symbols(nodes: readonly ConfNode[]): ConfSymbol[] {
  const out: ConfSymbol[] = [];
  for (const node of nodes) {
    if (!node.block || node.file !== undefined) continue;
    const args = node.args.map((a) => a.text).join(' ');
    const children = symbols(node.block.children);
    out.push({
      name: args ? `${node.keyword.text} ${args}` : node.keyword.text,
      detail: symbolDetail(node),
      kind: SYMBOL_KINDS[node.keyword.text] ?? (/_CHECK$|_GET$/.test(node.keyword.text) ? 'event' : 'object'),
      range: node.range,
      selectionRange: node.keyword.range,
      children,
    });
  }
  return out;
}

export function keepalivedSymbols(text: string): ConfSymbol[] {
  return symbols(parseConf(text).nodes);
}

export function keepalivedFoldingRanges(text: string): ConfFoldingRange[] {
  const parsed = parseConf(text);
  const out: ConfFoldingRange[] = [];
  const visit = (nodes: readonly ConfNode[]): void => {
    for (const n of nodes) {
      if (!n.block || n.file !== undefined) continue;
      const end = n.block.close ? n.block.close.start.line - 1 : n.block.children.length > 0 ? n.block.children[n.block.children.length - 1].range.end.line : n.range.start.line;
      if (end > n.range.start.line) out.push({ startLine: n.range.start.line, endLine: end });
      visit(n.block.children);
    }
  };
  visit(parsed.nodes);
  // Runs of two or more lines that hold only a comment.
  const lines = text.split('\n');
  let runStart = -1;
  for (let i = 0; i <= lines.length; i++) {
    const comment = i < lines.length && /^\s*[#!]/.test(lines[i]);
    if (comment && runStart < 0) runStart = i;
    if (!comment && runStart >= 0) {
      if (i - 1 > runStart) out.push({ startLine: runStart, endLine: i - 1, kind: 'comment' });
      runStart = -1;
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}

const VALUE_CHOICES: Readonly<Record<string, readonly { label: string; doc: string }[]>> = {
  scheduler: SCHEDULERS.map((s) => ({ label: s, doc: `${SCHEDULER_DOCS[s].name}: ${SCHEDULER_DOCS[s].doc}` })),
  method: [
    { label: 'NAT', doc: 'Masquerading: the director rewrites the destination; replies must come back through it.' },
    { label: 'DR', doc: 'Direct routing: the real servers hold the VIP on a non-ARPing interface and answer clients directly.' },
    { label: 'TUN', doc: 'IP tunnelling (type ipip, gue port N or gre) to the real servers.' },
  ],
};

export function keepalivedCompletions(text: string, position: Position): CompletionEntry[] {
  const line = text.split('\n')[position.line] ?? '';
  const typed = line.slice(0, position.character);
  if (/[#!]/.test(typed.replace(/"[^"]*"/g, ''))) return [];
  const parsed = parseConf(text);
  const block = blockAt(parsed.nodes, 'root', position);
  if (!block) return [];
  const word = /([A-Za-z0-9_-]*)$/.exec(typed)?.[1] ?? '';
  const range = { start: { line: position.line, character: position.character - word.length }, end: position };
  const head = typed.slice(0, typed.length - word.length).replace(/^.*[{}]/, '').trim().replace(/^@\^?\S+\s*/, '');
  if (block.startsWith('values:')) {
    const definers = NAMED_VALUES[block.slice('values:'.length)];
    if (!definers || head !== '') return [];
    const names = parsed.nodes.filter((n) => definers.includes(n.keyword.text) && n.args[0]).map((n) => ({ name: n.args[0].text, by: n.keyword.text }));
    return names.map((d): CompletionEntry => ({ label: d.name, kind: 'reference', detail: `${d.by} ${d.name}`, range }));
  }
  if (head === '') {
    return [...blockKeywords(block).values()]
      .filter((k) => !k.deprecated)
      .map((k, i): CompletionEntry => ({
        label: k.name,
        kind: 'keyword',
        detail: compareVersions(k.since, TARGET_VERSION) > 0 ? `needs ${sinceText(k.since)}` : blockTitle(k.block),
        documentation: keywordMarkdown(k),
        insertText: k.child.kind === 'none' ? k.name : `${k.name}${k.named ? ' ${1:name}' : ''} {\n\t$0\n}`,
        insertTextFormat: k.child.kind === 'none' ? 'plain' : 'snippet',
        range,
        sortText: `${compareVersions(k.since, TARGET_VERSION) > 0 ? '1' : '0'}${String(i).padStart(3, '0')}`,
      }));
  }
  const words = head.split(/\s+/);
  if (words.length !== 1) return [];
  const kw = blockKeywords(block).get(words[0]);
  const v = kw?.value;
  const choices = v?.kind === 'scheduler' || v?.kind === 'method' ? VALUE_CHOICES[v.kind] : v?.kind === 'choice' ? v.values.map((x) => ({ label: x, doc: '' })) : undefined;
  return (choices ?? []).map((c): CompletionEntry => ({ label: c.label, kind: 'enumMember', documentation: c.doc || undefined, range }));
}
