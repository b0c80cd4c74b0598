/**
 * Splits a rules file (`ipvsadm -S` output, `ipvsadm -R` input, hand-written with `#` comments and blank
 * lines) into lines of whitespace-separated tokens, then each line into its command, its options with
 * their arguments and any stray arguments, the way popt reads ipvsadm's command line: `--long=value`,
 * `-t10.0.0.1:80` (attached argument), `-gw` (bundled flags), optional argument of `-p` only when the
 * next word does not start with `-`. Every token keeps its source range.
 */

import type { Diagnostic, Range } from '../diagnostics';
import type { CommandSpec, OptionSpec } from './rulesSyntax';
import { lookupLong, lookupShort } from './rulesSyntax';

/** A word of a rules line; its LSP range is computed on demand (most tokens never need one). */
export class RuleToken {
  constructor(
    readonly text: string,
    /** Offsets in the whole text. */
    readonly start: number,
    readonly end: number,
    readonly line: number,
    /** Column of `start` in its line. */
    readonly character: number,
  ) {}

  get range(): Range {
    return { start: { line: this.line, character: this.character }, end: { line: this.line, character: this.character + this.end - this.start } };
  }
}

export interface RuleSwitch<S> {
  spec: S;
  /** The switch itself (`-t`, `--tcp-service`). */
  token: RuleToken;
  arg?: RuleToken;
}

export interface RuleLine {
  /** 0-based line number. */
  line: number;
  /** From the first to the last token. */
  range: Range;
  tokens: RuleToken[];
  /** The first command switch of the line. */
  command?: RuleSwitch<CommandSpec>;
  /** Further command switches (an error: one command per line). */
  extraCommands: RuleSwitch<CommandSpec>[];
  options: RuleSwitch<OptionSpec>[];
  /** Words that are neither switches nor their arguments (`--set` takes three). */
  positionals: RuleToken[];
  /** Syntax errors found on this line (unknown option, missing argument). */
  syntaxErrors: number;
}

export interface LexedRules {
  lines: RuleLine[];
  diagnostics: Diagnostic[];
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

function tok(text: string, start: number, end: number, line: number, lineStart: number): RuleToken {
  return new RuleToken(text.slice(start, end), start, end, line, start - lineStart);
}

/** Tokens of one line (`lineStart`..`lineEnd`), or undefined for a blank or comment line. */
export function tokenizeLine(text: string, lineStart: number, lineEnd: number, line: number): RuleToken[] | undefined {
  const tokens: RuleToken[] = [];
  let i = lineStart;
  while (i < lineEnd) {
    while (i < lineEnd && isSpace(text.charCodeAt(i))) i++;
    if (i >= lineEnd) break;
    if (tokens.length === 0 && text.charCodeAt(i) === 35 /* # */) return undefined;
    const s = i;
    while (i < lineEnd && !isSpace(text.charCodeAt(i))) i++;
    tokens.push(tok(text, s, i, line, lineStart));
  }
  return tokens.length === 0 ? undefined : tokens;
}

/** The part `from`..`to` of a token, as a token. */
function sub(t: RuleToken, from: number, to: number): RuleToken {
  return new RuleToken(t.text.slice(from, to), t.start + from, t.start + to, t.line, t.character + from);
}

function diag(range: Range, code: string, message: string): Diagnostic {
  return { range, severity: 'error', code, message };
}

function looksLikeSwitch(text: string): boolean {
  if (text.length < 2 || text[0] !== '-') return false;
  if (text.startsWith('--')) return lookupLong(text.slice(2).split('=')[0]) !== undefined;
  return lookupShort(text[1]) !== undefined;
}

/** Structures one line's tokens into command, options and positionals; reports syntax errors. */
export function structureLine(tokens: RuleToken[], line: number, diagnostics: Diagnostic[]): RuleLine {
  const out: RuleLine = {
    line,
    range: { start: tokens[0].range.start, end: tokens[tokens.length - 1].range.end },
    tokens,
    extraCommands: [],
    options: [],
    positionals: [],
    syntaxErrors: 0,
  };
  const before = diagnostics.length;
  const add = (spec: CommandSpec | OptionSpec, kind: 'command' | 'option', token: RuleToken, arg?: RuleToken): void => {
    const sw = arg ? { spec, token, arg } : { spec, token };
    if (kind === 'command') {
      if (out.command) out.extraCommands.push(sw as RuleSwitch<CommandSpec>);
      else out.command = sw as RuleSwitch<CommandSpec>;
    } else {
      out.options.push(sw as RuleSwitch<OptionSpec>);
    }
  };
  let i = 0;
  /** Takes the next token as the argument of `token` when the switch needs one. */
  const takeArg = (spec: CommandSpec | OptionSpec, token: RuleToken): RuleToken | undefined => {
    const next = tokens[i + 1];
    if (spec.arg === 'required') {
      if (next && !looksLikeSwitch(next.text)) {
        i++;
        return next;
      }
      diagnostics.push(diag(token.range, 'IPVSADM006', `${token.text} needs an argument${'argName' in spec && spec.argName ? ` (${spec.argName})` : ''}.`));
      return undefined;
    }
    if (spec.arg === 'optional' && next && !next.text.startsWith('-')) {
      i++;
      return next;
    }
    return undefined;
  };
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text.startsWith('--') && t.text.length > 2) {
      const eq = t.text.indexOf('=');
      const name = eq === -1 ? t.text.slice(2) : t.text.slice(2, eq);
      const nameTok = eq === -1 ? t : sub(t, 0, eq);
      const sw = lookupLong(name);
      if (!sw) {
        diagnostics.push(diag(nameTok.range, 'IPVSADM002', `Unknown option --${name}.`));
        continue;
      }
      let arg: RuleToken | undefined;
      if (eq !== -1) {
        arg = sub(t, eq + 1, t.text.length);
        if (sw.spec.arg === 'none') diagnostics.push(diag(arg.range, 'IPVSADM006', `--${name} takes no argument.`));
      } else {
        arg = takeArg(sw.spec, nameTok);
      }
      add(sw.spec, sw.kind, nameTok, sw.spec.arg === 'none' ? undefined : arg);
      continue;
    }
    if (t.text.length >= 2 && t.text[0] === '-' && t.text[1] !== '-') {
      // -A, -t<arg>, -gw (bundled flags)
      for (let j = 1; j < t.text.length; j++) {
        const swTok = sub(t, j === 1 ? 0 : j, j + 1);
        const sw = lookupShort(t.text[j]);
        if (!sw) {
          diagnostics.push(diag(swTok.range, 'IPVSADM002', `Unknown option -${t.text[j]}.`));
          break;
        }
        if (sw.spec.arg !== 'none' && j + 1 < t.text.length) {
          add(sw.spec, sw.kind, swTok, sub(t, j + 1, t.text.length));
          break;
        }
        if (sw.spec.arg !== 'none') {
          add(sw.spec, sw.kind, swTok, j === t.text.length - 1 ? takeArg(sw.spec, swTok) : undefined);
          break;
        }
        add(sw.spec, sw.kind, swTok);
      }
      continue;
    }
    out.positionals.push(t);
  }
  out.syntaxErrors = diagnostics.length - before;
  return out;
}

/** Lexes a whole rules text. */
export function lexRules(text: string): LexedRules {
  const lines: RuleLine[] = [];
  const diagnostics: Diagnostic[] = [];
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const tokens = tokenizeLine(text, start, end, lineNo);
    if (tokens) lines.push(structureLine(tokens, lineNo, diagnostics));
    if (end === text.length) break;
    start = end + 1;
    lineNo++;
  }
  return { lines, diagnostics };
}
