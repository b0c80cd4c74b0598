/**
 * Editor data for ipvsadm rules files, as plain data: completions (commands, the options valid for the
 * line's command, schedulers, `-b` flags, forwarding methods, tunnel types, the services already defined
 * in the file after `-t`/`-u`/`-f` of a real-server line) and hovers (what a command, option, scheduler,
 * flag or method means, in markdown).
 */

import type { Position, Range } from '../diagnostics';
import { lexRules, structureLine, tokenizeLine } from './rulesLexer';
import type { RuleLine, RuleToken } from './rulesLexer';
import type { CommandSpec, OptionSpec } from './rulesSyntax';
import { COMMAND_OPTIONS, COMMANDS, lookupLong, lookupShort, OPTIONS, optionAllowed, switchSpelling } from './rulesSyntax';
import { flagScheduler, isSchedFlag, isScheduler, SCHED_FLAG_DOCS, SCHEDULER_DOCS } from './schedulers';
import { SCHED_FLAGS, SCHEDULERS } from './types';

export type RulesCompletionKind = 'command' | 'option' | 'method' | 'scheduler' | 'flag' | 'service' | 'value';

export interface RulesCompletion {
  label: string;
  kind: RulesCompletionKind;
  detail: string;
  documentation: string;
  insertText: string;
}

export interface RulesHover {
  markdown: string;
  range: Range;
}

const METHODS = new Set(['gatewaying', 'masquerading', 'ipip']);

function lineBounds(text: string, line: number): { start: number; end: number } | undefined {
  let start = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return undefined;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return { start, end: nl === -1 ? text.length : nl };
}

function lineAt(text: string, position: Position): { line?: RuleLine; tokens: RuleToken[]; offset: number } | undefined {
  const b = lineBounds(text, position.line);
  if (!b) return undefined;
  const offset = b.start + Math.min(position.character, b.end - b.start);
  const tokens = tokenizeLine(text, b.start, b.end, position.line) ?? [];
  return { line: tokens.length > 0 ? structureLine(tokens, position.line, []) : undefined, tokens, offset };
}

function switchDoc(spec: CommandSpec | OptionSpec): string {
  const spellings = [spec.short ? `-${spec.short}` : undefined, `--${spec.long}`].filter(Boolean).join(', ');
  const arg = 'argName' in spec && spec.argName ? ` *${spec.argName}*` : '';
  return `**${spellings}**${arg} — ${spec.summary}\n\n${spec.doc}`;
}

function optionCompletion(o: OptionSpec): RulesCompletion {
  return {
    label: switchSpelling(o),
    kind: METHODS.has(o.id) ? 'method' : 'option',
    detail: o.summary,
    documentation: switchDoc(o),
    insertText: o.arg === 'required' ? `${switchSpelling(o)} ` : switchSpelling(o),
  };
}

/** The `-t 10.0.0.1:80` / `-f 5 -6` service switches of the `-A` lines of the file. */
function definedServices(text: string): { option: OptionSpec; arg: string }[] {
  const out: { option: OptionSpec; arg: string }[] = [];
  const seen = new Set<string>();
  for (const l of lexRules(text).lines) {
    if (l.command?.spec.id !== 'add-service') continue;
    const svc = l.options.find((o) => o.spec.group === 'service-address');
    if (!svc?.arg) continue;
    const six = l.options.some((o) => o.spec.id === 'ipv6');
    const arg = svc.arg.text + (six ? ' -6' : '');
    const k = `${svc.spec.id} ${arg}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ option: svc.spec, arg });
    }
  }
  return out;
}

export function rulesCompletions(text: string, position: Position): RulesCompletion[] {
  const at = lineAt(text, position);
  if (!at) return [];
  const { tokens, offset } = at;
  // the word being typed ends at the cursor; the token before it decides what is expected
  const current = tokens.find((t) => t.start < offset && offset <= t.end);
  const before = tokens.filter((t) => t.end < (current ? current.start : offset) || (!current && t.end <= offset));
  const prev = before[before.length - 1];
  const prefix = current ? current.text.slice(0, offset - current.start) : '';
  if (before.length === 0 && prefix.startsWith('#')) return [];
  const line = before.length > 0 ? structureLine(before, position.line, []) : undefined;
  const prevSwitch = prev && prev.text.startsWith('--') ? lookupLong(prev.text.slice(2)) : prev && /^-[^-]$/.test(prev.text) ? lookupShort(prev.text[1]) : undefined;
  const filter = (items: RulesCompletion[]): RulesCompletion[] => items.filter((c) => c.label.startsWith(prefix) || c.insertText.startsWith(prefix));

  if (prevSwitch && prevSwitch.kind === 'option' && prevSwitch.spec.arg !== 'none') {
    const id = prevSwitch.spec.id;
    if (id === 'scheduler') {
      return filter(SCHEDULERS.map((s) => ({ label: s, kind: 'scheduler', detail: SCHEDULER_DOCS[s].name, documentation: `**${s}** — ${SCHEDULER_DOCS[s].name}\n\n${SCHEDULER_DOCS[s].doc}`, insertText: s })));
    }
    if (id === 'sched-flags') {
      const schedOpt = line?.options.find((o) => o.spec.id === 'scheduler');
      const sched = schedOpt?.arg && isScheduler(schedOpt.arg.text) ? schedOpt.arg.text : 'wlc';
      const comma = prefix.lastIndexOf(',');
      const head = prefix.slice(0, comma + 1);
      const tail = prefix.slice(comma + 1);
      // sh and mh name bits 1 and 2 themselves: offer their names rather than flag-1/flag-2
      const aliased = sched === 'sh' || sched === 'mh';
      return SCHED_FLAGS.filter((f) => (flagScheduler(f) ?? sched) === sched && !(aliased && (f === 'flag-1' || f === 'flag-2')) && f.startsWith(tail)).map((f) => ({
        label: f, kind: 'flag', detail: 'scheduler flag', documentation: SCHED_FLAG_DOCS[f], insertText: head + f,
      }));
    }
    if (id === 'tun-type') {
      return filter(['ipip', 'gue', 'gre'].map((t) => ({ label: t, kind: 'value', detail: 'tunnel type', documentation: `${t.toUpperCase()} encapsulation${t === 'gue' ? ' (needs --tun-port)' : ''}.`, insertText: t })));
    }
    if (id === 'pe') return filter([{ label: 'sip', kind: 'value', detail: 'persistence engine', documentation: 'SIP Call-ID persistence (ip_vs_pe_sip).', insertText: 'sip' }]);
    if (id === 'netmask') {
      return filter(['255.255.255.0', '255.255.0.0', '64', '48'].map((m) => ({ label: m, kind: 'value', detail: m.includes('.') ? 'IPv4 netmask' : 'IPv6 prefix length', documentation: 'Persistence granularity.', insertText: m })));
    }
    if (prevSwitch.spec.group === 'service-address' && line?.command && line.command.spec.id !== 'add-service') {
      return filter(definedServices(text).filter((s) => s.option.id === id).map((s) => ({
        label: s.arg, kind: 'service', detail: `${switchSpelling(s.option)} ${s.arg}`, documentation: `A service defined with -A in this file.`, insertText: s.arg,
      })));
    }
    return [];
  }

  if (!line?.command) {
    return filter(COMMANDS.filter((c) => c.changesTable || c.id === 'set' || c.id === 'start-daemon' || c.id === 'stop-daemon').map((c) => ({
      label: switchSpelling(c), kind: 'command', detail: c.summary, documentation: switchDoc(c), insertText: c.arg === 'required' ? `${switchSpelling(c)} ` : switchSpelling(c),
    })));
  }
  const cmd = line.command.spec.id;
  const used = new Set(line.options.map((o) => o.spec.group));
  const items = OPTIONS.filter((o) => o.group !== undefined && optionAllowed(cmd, o.group) && !used.has(o.group)).map(optionCompletion);
  if (COMMAND_OPTIONS[cmd]['service-address'] && line.options.some((o) => o.spec.id === 'fwmark-service') && !line.options.some((o) => o.spec.id === 'ipv6')) {
    items.push(optionCompletion(OPTIONS.find((o) => o.id === 'ipv6') as OptionSpec));
  }
  return filter(items);
}

export function rulesHover(text: string, position: Position): RulesHover | undefined {
  const at = lineAt(text, position);
  if (!at?.line) return undefined;
  const { line, offset } = at;
  const inside = (t: RuleToken | undefined): t is RuleToken => !!t && t.start <= offset && offset < t.end;
  const switches = [...(line.command ? [line.command] : []), ...line.extraCommands, ...line.options];
  for (const sw of switches) {
    if (inside(sw.token)) return { markdown: switchDoc(sw.spec), range: sw.token.range };
    if (!inside(sw.arg)) continue;
    const arg = sw.arg;
    if (sw.spec.id === 'scheduler' && isScheduler(arg.text)) {
      const d = SCHEDULER_DOCS[arg.text];
      return { markdown: `**${arg.text}** — ${d.name} scheduler\n\n${d.doc}`, range: arg.range };
    }
    if (sw.spec.id === 'sched-flags') {
      const flags = arg.text.split(',').filter(isSchedFlag);
      if (flags.length > 0) return { markdown: flags.map((f) => `**${f}** — ${SCHED_FLAG_DOCS[f]}`).join('\n\n'), range: arg.range };
    }
    return { markdown: switchDoc(sw.spec), range: arg.range };
  }
  return undefined;
}
