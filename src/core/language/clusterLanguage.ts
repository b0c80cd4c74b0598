/**
 * Completion and hover for cluster files (`lvs.yaml`), as plain data. Works on whatever text the editor
 * holds, valid YAML or not: the cursor's place comes from indentation (`yamlContext.ts`), the vocabulary
 * from the format's key table (`clusterKeys.ts`) and the glossary.
 */

import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Position, Range } from '../diagnostics';
import { ITEM, formatPath, specAt, typeLabel } from './clusterKeys';
import type { FieldSpec, PathSegment } from './clusterKeys';
import { IPVS_SYSCTL_DEFAULTS } from '../clusterFile/types';
import { IPVS_SYSCTL_GLOSSARY, glossaryMarkdown, sysctlMarkdown } from './glossary';
import type { CompletionEntry, HoverResult } from './languageTypes';
import { cursorContext, mappingAt, shapeOf } from './yamlContext';

export interface HostInfo {
  name: string;
  address?: string;
}

/**
 * Names (and first address) of the file's `hosts`. A one-pass line scan handles block style, valid or
 * not, and any size; flow style (`hosts: [{ name: a }]`) and other layouts it does not see fall back to
 * the YAML document (when it parses).
 */
export function hostsOf(text: string): HostInfo[] {
  const fromLines = hostsFromLines(text);
  if (fromLines.length > 0) return fromLines;
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) return [];
    const hosts = doc.get('hosts');
    if (!isSeq(hosts)) return [];
    const out: HostInfo[] = [];
    for (const item of hosts.items) {
      if (!isMap(item)) continue;
      const name = item.get('name');
      if (typeof name !== 'string' || name === '') continue;
      const address = item.get('address');
      const addresses = item.get('addresses');
      const first = isSeq(addresses) ? addresses.items.find(isScalar)?.value : undefined;
      const addr = typeof address === 'string' ? address : typeof first === 'string' ? first : undefined;
      out.push(addr === undefined ? { name } : { name, address: addr });
    }
    return out;
  } catch {
    return [];
  }
}

/** One pass over the top-level `hosts:` block: the `name:` (and `address:`) of each item of its sequence. */
function hostsFromLines(text: string): HostInfo[] {
  const out: HostInfo[] = [];
  const seen = new Set<string>();
  let inHosts = false;
  let itemCol = -1;
  let itemContentCol = -1;
  let current: HostInfo | undefined;
  let itemAddress: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const s = shapeOf(line);
    if (s.contentCol < 0 && s.dashes.length === 0) continue;
    if (s.dashes.length === 0 && s.contentCol === 0) {
      inHosts = s.key === 'hosts' && !s.value;
      itemCol = -1;
      continue;
    }
    if (!inHosts) continue;
    if (itemCol < 0 && s.dashes.length > 0) itemCol = s.dashes[0];
    if (itemCol < 0) continue;
    const startsItem = s.dashes.length === 1 && s.dashes[0] === itemCol;
    if (startsItem) {
      itemContentCol = s.contentCol;
      current = undefined;
      itemAddress = undefined;
    }
    if (!(startsItem || (s.dashes.length === 0 && s.contentCol === itemContentCol)) || !s.value) continue;
    if (s.key === 'name') {
      const name = unquote(s.value);
      if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !seen.has(name)) {
        seen.add(name);
        current = itemAddress === undefined ? { name } : { name, address: itemAddress };
        out.push(current);
      }
    } else if (s.key === 'address') {
      itemAddress = unquote(s.value);
      if (current) current.address = itemAddress;
    }
  }
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// Completion

export function clusterCompletions(text: string, position: Position): CompletionEntry[] {
  const ctx = cursorContext(text, position);
  if (ctx.kind === 'none') return [];
  if (ctx.kind === 'key') {
    const spec = specAt(ctx.mapping.path);
    if (!spec) return [];
    if (spec.type === 'object') return keyCompletions(spec, ctx.mapping.path, ctx.mapping.siblings, ctx.range, ctx.hasColon || ctx.mapping.column < 0);
    if (spec.type === 'map') return mapKeyCompletions(spec, ctx.mapping.siblings, ctx.range, ctx.hasColon || ctx.mapping.column < 0);
    // `- x` under a list of scalars: x is a value.
    if (ctx.mapping.path[ctx.mapping.path.length - 1] === ITEM) return valueCompletions(spec, ctx.range, text);
    return [];
  }
  let spec = specAt([...ctx.mapping.path, ctx.key]);
  if (!spec) return [];
  if (spec.type === 'list' && ctx.inList) spec = spec.item;
  return valueCompletions(spec, ctx.range, text);
}

function keyCompletions(
  spec: Extract<FieldSpec, { type: 'object' }>,
  path: readonly PathSegment[],
  siblings: readonly string[],
  range: Range,
  nameOnly: boolean,
): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  let order = 0;
  for (const [key, field] of Object.entries(spec.fields)) {
    order++;
    if (siblings.includes(key)) continue;
    const entry: CompletionEntry = {
      label: key,
      kind: 'property',
      detail: typeLabel(field),
      documentation: keyMarkdown(key, field, [...path, key]),
      range,
      sortText: String(order).padStart(2, '0'),
    };
    if (!nameOnly) {
      const snippet = keySnippet(key, field);
      entry.insertText = snippet.text;
      entry.insertTextFormat = 'snippet';
      if (snippet.retrigger) entry.retrigger = true;
    }
    out.push(entry);
  }
  return out;
}

function mapKeyCompletions(spec: Extract<FieldSpec, { type: 'map' }>, siblings: readonly string[], range: Range, nameOnly: boolean): CompletionEntry[] {
  return spec.keys
    .filter((k) => !siblings.includes(k))
    .map((k): CompletionEntry => {
      const doc = sysctlMarkdown(k);
      const entry: CompletionEntry = { label: k, kind: 'property', detail: 'net.ipv4.vs sysctl', range };
      if (doc) entry.documentation = doc;
      if (!nameOnly) {
        entry.insertText = `${k}: \${1:${defaultOf(k)}}`;
        entry.insertTextFormat = 'snippet';
      }
      return entry;
    });
}

/** The value a new sysctl line starts with: this file's default where it sets one, else the kernel's. */
function defaultOf(sysctl: string): string {
  if (Object.hasOwn(IPVS_SYSCTL_DEFAULTS, sysctl)) return String(IPVS_SYSCTL_DEFAULTS[sysctl]);
  return String(IPVS_SYSCTL_GLOSSARY[sysctl]?.default ?? 0);
}

function escapeChoice(v: string): string {
  return v.replace(/[\\,|$}]/g, (c) => `\\${c}`);
}

function escapePlaceholder(v: string): string {
  return v.replace(/[\\$}]/g, (c) => `\\${c}`);
}

/** The text a key completion inserts: `key: ` plus what the value needs (a choice, a new block, an item). */
function keySnippet(key: string, field: FieldSpec): { text: string; retrigger?: boolean } {
  switch (field.type) {
    case 'object':
    case 'map':
      return { text: `${key}:\n  $0`, retrigger: true };
    case 'list':
      return field.item.type === 'object' ? { text: `${key}:\n  - $0`, retrigger: true } : { text: `${key}: [$0]`, retrigger: true };
    case 'enum':
      return { text: `${key}: \${1|${field.values.map((v) => escapeChoice(String(v))).join(',')}|}` };
    case 'boolean':
      return { text: `${key}: \${1|false,true|}` };
    case 'hostRef':
      return { text: `${key}: $0`, retrigger: true };
    default:
      return { text: field.example ? `${key}: \${1:${escapePlaceholder(field.example)}}` : `${key}: $0` };
  }
}

function valueCompletions(spec: FieldSpec, range: Range, text: string): CompletionEntry[] {
  switch (spec.type) {
    case 'enum':
      return spec.values.map((v, i): CompletionEntry => {
        const entry: CompletionEntry = { label: String(v), kind: 'enumMember', range, sortText: String(i).padStart(2, '0') };
        const doc = glossaryMarkdown(String(v));
        if (doc) entry.documentation = doc;
        const title = doc ? /— (.*?)(?: scheduler)?\n/.exec(doc)?.[1] : undefined;
        if (title) entry.detail = title.replace(/\*\*/g, '');
        return entry;
      });
    case 'boolean':
      return ['true', 'false'].map((v): CompletionEntry => ({ label: v, kind: 'keyword', range }));
    case 'hostRef':
      return hostsOf(text).map((h): CompletionEntry => {
        const entry: CompletionEntry = { label: h.name, kind: 'reference', detail: h.address ? `host ${h.address}` : 'host', range };
        return entry;
      });
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hover

function keyMarkdown(key: string, spec: FieldSpec, path: readonly PathSegment[]): string {
  const lines = [`**${key}** — \`${typeLabel(spec)}\``, '', spec.doc];
  if (spec.type === 'list' && spec.item.type === 'object') lines.push('', spec.item.doc);
  lines.push('', `\`${formatPath(path)}\``);
  return lines.join('\n');
}

const HOVER_WORD = /[A-Za-z0-9_.:\-]/;

export function clusterHover(text: string, position: Position): HoverResult | undefined {
  const lines = text.split(/\r?\n/);
  const line = lines[position.line];
  if (line === undefined) return undefined;
  let start = position.character;
  let end = position.character;
  while (start > 0 && HOVER_WORD.test(line[start - 1])) start--;
  while (end < line.length && HOVER_WORD.test(line[end])) end++;
  // A trailing colon belongs to the key syntax, not the word.
  while (end > start && line[end - 1] === ':') end--;
  if (start === end) return undefined;
  const word = line.slice(start, end);
  const range: Range = { start: { line: position.line, character: start }, end: { line: position.line, character: end } };
  const shape = shapeOf(line);

  // On the line's key.
  if (shape.key !== undefined && start === shape.contentCol) {
    const mapping = mappingAt(lines, position.line, shape.contentCol, shape.dashes);
    const parent = specAt(mapping.path);
    if (parent?.type === 'map') {
      const doc = sysctlMarkdown(shape.key);
      return doc ? { contents: doc, range } : undefined;
    }
    const spec = specAt([...mapping.path, shape.key]);
    return spec ? { contents: keyMarkdown(shape.key, spec, [...mapping.path, shape.key]), range } : undefined;
  }

  // On a value: `key: value`, `key: [a, value]`, `key: { k: value }`, or a `- value` list item.
  let spec: FieldSpec | undefined;
  if (shape.key !== undefined && shape.afterColon !== undefined && start >= shape.afterColon) {
    const mapping = mappingAt(lines, position.line, shape.contentCol, shape.dashes);
    const owner = [...mapping.path, shape.key];
    spec = specAt(owner);
    const flowKey = /([A-Za-z0-9_-]+)\s*:\s*$/.exec(line.slice(shape.afterColon, start));
    if (spec?.type === 'object' && flowKey) spec = specAt([...owner, flowKey[1]]);
    else if (spec?.type === 'object' && line[end] === ':' && Object.hasOwn(spec.fields, word)) {
      const inner = spec.fields[word];
      return { contents: keyMarkdown(word, inner, [...owner, word]), range };
    }
  } else if (shape.key === undefined && shape.dashes.length > 0 && start >= shape.contentCol) {
    const mapping = mappingAt(lines, position.line, shape.contentCol, shape.dashes);
    spec = specAt(mapping.path);
  }
  if (!spec) return undefined;
  if (spec.type === 'list') spec = spec.item;
  if (spec.type === 'enum' || spec.type === 'list') {
    const doc = glossaryMarkdown(word);
    return doc ? { contents: doc, range } : undefined;
  }
  if (spec.type === 'hostRef') {
    const host = hostsOf(text).find((h) => h.name === word);
    if (!host) return undefined;
    return { contents: `**${host.name}** — host of this file${host.address ? `, address \`${host.address}\`` : ''}`, range };
  }
  return undefined;
}
