/**
 * The rules line being checked: its options by group and by id, the table state it applies to, the
 * endpoints already parsed in the file, and the diagnostics found so far (an error makes the line fatal:
 * ipvsadm would refuse it). Shared by the checks of each command kind.
 */

import type { Diagnostic, Fix, Range } from '../diagnostics';
import type { IpvsMachine } from './ipvsEngine';
import type { RulesCode } from './rulesCodes';
import { RULES_CODES } from './rulesCodes';
import type { EndpointCache } from './rulesEndpoint';
import type { RuleLine, RuleSwitch } from './rulesLexer';
import type { OptionGroup, OptionId, OptionSpec } from './rulesSyntax';

/** ipvsadm's largest timeout (--set, -p): 31 days in seconds. */
export const MAX_TIMEOUT = 86400 * 31;

/** A decimal number as ipvsadm's string_to_number reads it, or undefined. */
export function parseUint(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

export class RuleLineContext {
  readonly diagnostics: Diagnostic[] = [];
  fatal: boolean;
  /** The first option of each group (a repeated group is reported, not stored). */
  readonly byGroup = new Map<OptionGroup, RuleSwitch<OptionSpec>>();
  readonly byId = new Map<OptionId, RuleSwitch<OptionSpec>>();

  constructor(readonly line: RuleLine, readonly machine: IpvsMachine, readonly cache: EndpointCache) {
    this.fatal = line.syntaxErrors > 0;
  }

  report(range: Range, code: RulesCode, message: string, fixes?: Fix[], severity = RULES_CODES[code].severity): void {
    const d: Diagnostic = { range, severity, code, message };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.diagnostics.push(d);
    if (severity === 'error') this.fatal = true;
  }

  group(g: OptionGroup): RuleSwitch<OptionSpec> | undefined {
    return this.byGroup.get(g);
  }

  /** A fix appending `text` to the line. */
  insertAtEnd(title: string, text: string): Fix {
    const end = this.line.range.end;
    return { title, edits: [{ range: { start: end, end }, newText: text }], preferred: true };
  }
}
