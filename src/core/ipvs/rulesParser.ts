/**
 * Parses a rules file in `ipvsadm-save -n` / `ipvsadm -R` format (also `ipvsadm -S` output with names,
 * hand-written files with `#` comments and blank lines) into the IpvsTable it produces, by simulating
 * its commands in order on an in-memory table, with a source range per command and option token and
 * every diagnostic ipvsadm and the kernel would give.
 */

import type { Diagnostic } from '../diagnostics';
import type { IpvsCommand } from './ipvsCommand';
import type { IpvsError } from './ipvsEngine';
import { IpvsMachine } from './ipvsEngine';
import type { RuleLine } from './rulesLexer';
import { lexRules } from './rulesLexer';
import type { EndpointCache } from './rulesEndpoint';
import { interpretLine } from './rulesInterpreter';
import type { IpvsTable } from './types';

export interface ParsedRuleLine extends RuleLine {
  /** What the line sends to the kernel, when it is valid and changes the table. */
  ipvs?: IpvsCommand;
  /** The kernel's refusal (e.g. "Service already exists"); the line changed nothing. */
  error?: IpvsError;
}

export interface ParsedRules {
  lines: ParsedRuleLine[];
  /** The commands of the valid lines, in order (including those the kernel refused). */
  commands: IpvsCommand[];
  /** The table after every valid command: services in the order they were added. */
  table: IpvsTable;
  diagnostics: Diagnostic[];
}

export interface ParseRulesOptions {
  /** The table the rules apply to (default: empty, as after `ipvsadm -C`). */
  initialTable?: IpvsTable;
}

export function parseRules(text: string, options: ParseRulesOptions = {}): ParsedRules {
  const lexed = lexRules(text);
  const machine = new IpvsMachine(options.initialTable);
  const diagnostics = lexed.diagnostics;
  const commands: IpvsCommand[] = [];
  const lines: ParsedRuleLine[] = [];
  const cache: EndpointCache = new Map();
  for (const line of lexed.lines) {
    const outcome = interpretLine(line, machine, cache);
    const parsed: ParsedRuleLine = line;
    if (outcome.command) {
      parsed.ipvs = outcome.command;
      commands.push(outcome.command);
    }
    if (outcome.error) parsed.error = outcome.error;
    for (const d of outcome.diagnostics) diagnostics.push(d);
    lines.push(parsed);
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { lines, commands, table: machine.snapshot(), diagnostics };
}
