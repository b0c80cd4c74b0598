/**
 * Where in a block-style YAML document a cursor is — the key path of the enclosing mapping, and whether the
 * cursor is on a key or on a value — computed from lines and indentation only, so it works on the partially
 * typed, invalid text an editor holds while the user types (no colon yet, a dangling `- `, tabs of
 * nothing). Flow collections are understood on the cursor's line only (`[a, b]`, `{ k: v }`).
 */

import type { Position, Range } from '../diagnostics';
import { ITEM } from './clusterKeys';
import type { PathSegment } from './clusterKeys';

/** One line, as far as block structure goes. */
export interface LineShape {
  /** Columns of the `- ` sequence indicators at the start of the line. */
  dashes: number[];
  /** Column of the first content after indentation and dashes; -1 for blank or comment-only lines. */
  contentCol: number;
  /** The key when the content is `key:` (plain or quoted key). */
  key?: string;
  /** Column just after the colon, when there is a key. */
  afterColon?: number;
  /** Raw text after the colon, comment stripped, trimmed. */
  value?: string;
}

const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#:'"[\]{},&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?=\s|$)/;

export function shapeOf(line: string): LineShape {
  const dashes: number[] = [];
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  while (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
    dashes.push(i);
    i++;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  }
  if (i >= line.length || line[i] === '#') {
    // A bare `-` line still opens an item; its content column is after the dash.
    return { dashes, contentCol: dashes.length > 0 ? dashes[dashes.length - 1] + 2 : -1 };
  }
  const shape: LineShape = { dashes, contentCol: i };
  const m = KEY_RE.exec(line.slice(i));
  if (m) {
    let key = m[1].trim();
    if ((key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))) key = key.slice(1, -1);
    shape.key = key;
    shape.afterColon = i + m[0].length;
    shape.value = stripComment(line.slice(shape.afterColon)).trim();
  }
  return shape;
}

function stripComment(text: string): string {
  // A `#` starts a comment at the start or after whitespace, outside quotes.
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i);
    }
  }
  return text;
}

const BLOCK_SCALAR_HEADER = /:\s+[|>][-+0-9]*\s*(#.*)?$/;

/** Column of the first non-space character; the line's length when blank. */
function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** Whether a line is inside a block scalar (`key: |` ... ) — such lines are text, not structure. */
function blockScalarLines(lines: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (!BLOCK_SCALAR_HEADER.test(lines[i])) continue;
    const s = shapeOf(lines[i]);
    const v = s.value ?? '';
    if (s.key !== undefined && /^[|>][-+0-9]*$/.test(v)) {
      const ownerCol = s.contentCol;
      let j = i + 1;
      for (; j < lines.length; j++) {
        const t = lines[j];
        if (t.trim() === '') {
          out.add(j);
          continue;
        }
        const indent = t.length - t.trimStart().length;
        if (indent <= ownerCol) break;
        out.add(j);
      }
      i = j - 1;
    }
  }
  return out;
}

export interface MappingContext {
  /** Path from the root to the mapping the cursor's line belongs to (`[]` marks list items). */
  path: PathSegment[];
  /** Column of the mapping's keys. */
  column: number;
  /** Keys already present in that mapping (other lines and, for an item line, the item's first key). */
  siblings: string[];
}

/**
 * The mapping that owns a key at `column` on line `lineNo` (whose own dashes are `dashes`): walks up the
 * lines, following indentation, and collects the path and the sibling keys.
 */
export function mappingAt(lines: readonly string[], lineNo: number, column: number, dashes: readonly number[], skip?: Set<number>): MappingContext {
  const ignore = skip ?? blockScalarLines(lines);
  const path: PathSegment[] = [];
  const siblings: string[] = [];
  // A key on a line with dashes is the first key of an item of the sequence at the last dash.
  let mode: 'map' | 'seq' = 'map';
  let target = column;
  const enterDashes = (ds: readonly number[]): void => {
    for (let d = ds.length - 1; d >= 0; d--) {
      path.unshift(ITEM);
      mode = 'seq';
      target = ds[d];
    }
  };
  let collecting = true;
  if (dashes.length > 0) {
    collecting = false;
    enterDashes(dashes);
  }
  for (let i = lineNo - 1; i >= 0; i--) {
    // Deeper lines cannot own the mapping nor be a sibling item: skip them without parsing.
    if (indentOf(lines[i]) > target) continue;
    if (ignore.has(i)) continue;
    const s = shapeOf(lines[i]);
    if (s.contentCol < 0 && s.dashes.length === 0) continue;
    if (/^\s*(---|\.\.\.)\s*$/.test(lines[i])) break;
    if (mode === 'map') {
      if (s.contentCol > target) continue;
      if (s.contentCol === target) {
        if (collecting && s.key !== undefined) siblings.push(s.key);
        if (s.dashes.length > 0) {
          collecting = false;
          enterDashes(s.dashes);
        }
        continue;
      }
      // contentCol < target: the line's key owns our mapping.
      collecting = false;
      if (s.key === undefined) break;
      path.unshift(s.key);
      target = s.contentCol;
      mode = 'map';
      if (s.dashes.length > 0) enterDashes(s.dashes);
    } else {
      // Looking for the key that owns a sequence whose dashes are at `target`.
      if (s.dashes.includes(target)) continue; // a sibling item
      const firstCol = s.dashes.length > 0 ? s.dashes[0] : s.contentCol;
      if (firstCol > target) continue; // inside a sibling item
      if (s.key === undefined || s.contentCol > target) break;
      path.unshift(s.key);
      target = s.contentCol;
      mode = 'map';
      if (s.dashes.length > 0) enterDashes(s.dashes);
    }
  }
  // Siblings below the line, at the same column, until the mapping ends.
  for (let i = lineNo + 1; i < lines.length; i++) {
    if (indentOf(lines[i]) > column || ignore.has(i)) continue;
    const s = shapeOf(lines[i]);
    if (s.contentCol < 0 && s.dashes.length === 0) continue;
    if (s.dashes.length > 0 && s.dashes[0] < column) break;
    if (s.contentCol < column) break;
    if (s.contentCol === column && s.key !== undefined) siblings.push(s.key);
  }
  return { path, column, siblings };
}

export type CursorContext =
  | {
      kind: 'key';
      mapping: MappingContext;
      /** The partially typed key and its range. */
      prefix: string;
      range: Range;
      /** The line already has `key:` (the cursor is on an existing key): insert the name only. */
      hasColon: boolean;
    }
  | {
      kind: 'value';
      mapping: MappingContext;
      key: string;
      /** The partially typed value (or flow-list item) and its range. */
      prefix: string;
      range: Range;
      /** The value is an item of a list (`- x` under the key, or `[a, x`). */
      inList: boolean;
    }
  | { kind: 'none' };

const KEY_WORD = /[A-Za-z0-9_.-]*$/;

/** What the cursor at `pos` is completing. */
export function cursorContext(text: string, pos: Position): CursorContext {
  const lines = text.split(/\r?\n/);
  if (pos.line >= lines.length) return { kind: 'none' };
  const line = lines[pos.line];
  const before = line.slice(0, pos.character);
  const skip = blockScalarLines(lines);
  if (skip.has(pos.line)) return { kind: 'none' };
  if (/(^|\s)#/.test(stripQuotesForComment(before))) return { kind: 'none' };
  const shape = shapeOf(before);

  if (shape.key !== undefined && shape.afterColon !== undefined) {
    // Value position: `key: par|`, `key: [a, b|`, `key: { k: v, x|`.
    const mapping = mappingAt(lines, pos.line, shape.contentCol, shape.dashes, skip);
    const tailLen = (/^[^\s,\]}#:'"]*/.exec(line.slice(pos.character))?.[0] ?? '').length;
    const rawValue = before.slice(shape.afterColon);
    const flow = flowContext(rawValue);
    if (flow) {
      if (flow.kind === 'listItem') {
        return value(mapping, shape.key, flow.prefix, pos, true, tailLen);
      }
      const inner: MappingContext = { path: [...mapping.path, shape.key], column: -1, siblings: flow.kind === 'mapKey' ? flow.siblings : [] };
      if (flow.kind === 'mapKey') {
        return { kind: 'key', mapping: inner, prefix: flow.prefix, range: rangeBack(pos, flow.prefix.length, tailLen), hasColon: false };
      }
      return value(inner, flow.key, flow.prefix, pos, false, tailLen);
    }
    const prefix = rawValue.trimStart();
    if (/^["']/.test(prefix)) return value(mapping, shape.key, prefix.slice(1), pos, false, tailLen);
    return value(mapping, shape.key, prefix, pos, false, tailLen);
  }

  // Key position (or a scalar item of a list: `- sh-po|`, resolved by the caller from the path).
  const typed = KEY_WORD.exec(before)?.[0] ?? '';
  const startCol = pos.character - typed.length;
  const head = before.slice(0, startCol);
  if (!/^ *(- +)*$/.test(head)) return { kind: 'none' };
  const mapping = mappingAt(lines, pos.line, startCol, shapeOf(head).dashes, skip);
  const rest = line.slice(pos.character);
  const tail = /^[A-Za-z0-9_.-]*/.exec(rest)?.[0] ?? '';
  return {
    kind: 'key',
    mapping,
    prefix: typed,
    range: { start: { line: pos.line, character: startCol }, end: { line: pos.line, character: pos.character + tail.length } },
    hasColon: /^\s*:/.test(rest.slice(tail.length)),
  };
}

function stripQuotesForComment(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, (m) => 'x'.repeat(m.length));
}

function value(mapping: MappingContext, key: string, prefix: string, pos: Position, inList: boolean, tailLen: number): CursorContext {
  return { kind: 'value', mapping, key, prefix, range: rangeBack(pos, prefix.length, tailLen), inList };
}

function rangeBack(pos: Position, length: number, tailLen: number): Range {
  return { start: { line: pos.line, character: pos.character - length }, end: { line: pos.line, character: pos.character + tailLen } };
}

type FlowContext =
  | { kind: 'listItem'; prefix: string }
  | { kind: 'mapKey'; prefix: string; siblings: string[] }
  | { kind: 'mapValue'; key: string; prefix: string };

/** Inside an unclosed flow collection on this line: `[a, b` → item `b`; `{ k: v, x` → key `x`. */
function flowContext(raw: string): FlowContext | undefined {
  const t = raw.trimStart();
  if (!t.startsWith('[') && !t.startsWith('{')) return undefined;
  const stack: string[] = [];
  let segStart = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '[' || c === '{') {
      stack.push(c);
      segStart = i + 1;
    } else if (c === ']' || c === '}') {
      stack.pop();
      segStart = i + 1;
    } else if (c === ',') {
      segStart = i + 1;
    }
  }
  if (stack.length !== 1) return undefined;
  const segment = t.slice(segStart).trimStart();
  if (stack[0] === '[') return { kind: 'listItem', prefix: segment };
  const colon = /^([^:]+?)\s*:\s*(.*)$/.exec(segment);
  if (colon) return { kind: 'mapValue', key: colon[1].trim(), prefix: colon[2] };
  const siblings = [...t.slice(1).matchAll(/([A-Za-z0-9_-]+)\s*:/g)].map((m) => m[1]);
  return { kind: 'mapKey', prefix: segment, siblings };
}
