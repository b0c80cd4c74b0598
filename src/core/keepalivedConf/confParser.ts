/**
 * keepalived.conf → a tree of statements with ranges. A statement is a keyword and its values; a `{`
 * after it (on the same line or the next) opens its block, a `}` closes the innermost block, as in
 * keepalived's reader. The tree is built from braces alone; which keywords may have blocks is the
 * validator's business (./confValidator.ts).
 *
 * `include` lines are resolved through a callback handed in by the caller (the core reads no files):
 * the statements of the included files are read in place, at the block level of the `include`, as
 * keepalived does, and carry the path of their file. Never throws; linear in the size of the input.
 */

import type { Range } from '../diagnostics';
import { lexConf } from './confLexer';
import type { ConfCondition, ConfLine, ConfToken } from './confLexer';

export interface ConfBlock {
  open: Range;
  /** Missing when the file ends before the block is closed. */
  close?: Range;
  children: ConfNode[];
}

export interface ConfNode {
  keyword: ConfToken;
  args: ConfToken[];
  condition?: ConfCondition;
  /** Read through `~SEQ` / `~LST`: repeated with different parameter values. */
  repeated?: boolean;
  /** The included file it comes from; absent for the parsed text itself. */
  file?: string;
  block?: ConfBlock;
  /** The keyword to the end of its values, or to the closing `}` of its block. */
  range: Range;
}

export interface ConfInclude {
  keyword: ConfToken;
  pattern: ConfToken;
  condition?: ConfCondition;
  file?: string;
  /** The files it matched; undefined when no resolver was given (or the pattern holds a parameter). */
  matched?: string[];
}

export type ConfProblemKind = 'extra-close' | 'unclosed' | 'stray-open' | 'unterminated-quote' | 'include-cycle';

export interface ConfProblem {
  kind: ConfProblemKind;
  range: Range;
  file?: string;
  /** unclosed: the keyword whose block is not closed; include-cycle: the file included again. */
  subject?: string;
}

export interface ParsedConf {
  nodes: ConfNode[];
  includes: ConfInclude[];
  /** `$NAME=` parameter definitions of the parsed text. */
  definitions: ConfToken[];
  /** Comment ranges of the parsed text. */
  comments: Range[];
  problems: ConfProblem[];
}

export interface IncludedFile {
  path: string;
  text: string;
}

/**
 * Resolves an include pattern (a glob, relative to the including file's folder) to the files it
 * matches, in keepalived's (glob's) sorted order. `from` is the including file (undefined: the text
 * being parsed, whose own path the caller knows).
 */
export type IncludeResolver = (pattern: string, from: string | undefined) => IncludedFile[];

export interface ParseOptions {
  resolveInclude?: IncludeResolver;
}

/** keepalived does not limit include depth, but a chain this deep is a cycle in practice. */
const MAX_INCLUDE_DEPTH = 16;

interface Frame {
  children: ConfNode[];
  /** The statement whose block this is; undefined for a stray `{` kept only to balance braces. */
  owner?: ConfNode;
}

class TreeBuilder {
  readonly root: ConfNode[] = [];
  readonly includes: ConfInclude[] = [];
  readonly definitions: ConfToken[] = [];
  readonly problems: ConfProblem[] = [];
  private readonly stack: Frame[] = [{ children: this.root }];
  /** The statement a `{` would open a block for. */
  private last: ConfNode | undefined;
  private readonly chain: string[] = [];

  constructor(private readonly resolve: IncludeResolver | undefined) {}

  readLines(lines: readonly ConfLine[], file: string | undefined): void {
    for (const line of lines) {
      if (line.kind === 'tokens') this.readTokens(line, file);
      else if (line.kind === 'definition' && line.name && file === undefined) this.definitions.push(line.name);
      else if (line.kind === 'include' && line.name && line.pattern) this.include(line, line.name, line.pattern, file);
    }
  }

  private get frame(): Frame {
    return this.stack[this.stack.length - 1];
  }

  private readTokens(line: ConfLine, file: string | undefined): void {
    let words: ConfToken[] = [];
    const flush = (): void => {
      if (words.length === 0) return;
      const [keyword, ...args] = words;
      const node: ConfNode = { keyword, args, range: { start: keyword.range.start, end: words[words.length - 1].range.end } };
      if (line.condition) node.condition = line.condition;
      if (line.repeated) node.repeated = true;
      if (file !== undefined) node.file = file;
      this.frame.children.push(node);
      this.last = node;
      words = [];
    };
    for (const t of line.tokens) {
      if (t.kind === 'word') {
        words.push(t);
        continue;
      }
      flush();
      if (t.kind === 'open') {
        const owner = this.last && !this.last.block ? this.last : undefined;
        if (owner) {
          owner.block = { open: t.range, children: [] };
          this.stack.push({ children: owner.block.children, owner });
        } else {
          this.problems.push({ kind: 'stray-open', range: t.range, file });
          this.stack.push({ children: this.frame.children });
        }
      } else if (this.stack.length > 1) {
        const done = this.stack.pop() as Frame;
        if (done.owner?.block) {
          done.owner.block.close = t.range;
          done.owner.range = { start: done.owner.range.start, end: t.range.end };
        }
      } else {
        this.problems.push({ kind: 'extra-close', range: t.range, file });
      }
      this.last = undefined;
    }
    flush();
  }

  private include(line: ConfLine, keyword: ConfToken, pattern: ConfToken, file: string | undefined): void {
    const record: ConfInclude = { keyword, pattern };
    if (line.condition) record.condition = line.condition;
    if (file !== undefined) record.file = file;
    this.includes.push(record);
    this.last = undefined;
    if (!this.resolve || pattern.hasParameter) return;
    let matched: IncludedFile[];
    try {
      matched = this.resolve(pattern.text, file);
    } catch {
      matched = [];
    }
    record.matched = matched.map((m) => m.path);
    for (const m of matched) {
      if (this.chain.includes(m.path) || this.chain.length >= MAX_INCLUDE_DEPTH) {
        this.problems.push({ kind: 'include-cycle', range: pattern.range, file, subject: m.path });
        continue;
      }
      this.chain.push(m.path);
      const lexed = lexConf(m.text);
      for (const p of lexed.problems) this.problems.push({ kind: p.kind, range: p.range, file: m.path });
      this.readLines(lexed.lines, m.path);
      this.chain.pop();
    }
  }

  /** Blocks still open at the end of the text. */
  finish(): void {
    for (let i = this.stack.length - 1; i > 0; i--) {
      const owner = this.stack[i].owner;
      if (owner) this.problems.push({ kind: 'unclosed', range: owner.keyword.range, file: owner.file, subject: owner.keyword.text });
    }
  }
}

export function parseConf(text: string, options: ParseOptions = {}): ParsedConf {
  const lexed = lexConf(text);
  const builder = new TreeBuilder(options.resolveInclude);
  const problems: ConfProblem[] = lexed.problems.map((p) => ({ kind: p.kind, range: p.range }));
  builder.readLines(lexed.lines, undefined);
  builder.finish();
  return {
    nodes: builder.root,
    includes: builder.includes,
    definitions: builder.definitions,
    comments: lexed.comments,
    problems: [...problems, ...builder.problems],
  };
}
