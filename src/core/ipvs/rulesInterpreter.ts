/**
 * Turns one lexed rules line into the command ipvsadm would send to the kernel, with the checks ipvsadm
 * makes before sending (option compatibility, value ranges, `parse_service`, defaults, the DR/TUN port
 * rule, address families, tunnel options) and the kernel's answer from the in-memory table. Every
 * finding is a Diagnostic on the offending token. A line with an error is not applied: ipvsadm would
 * refuse it (and `ipvsadm -R` stop there).
 *
 * This module dispatches on the command and checks what every command shares (one command, allowed and
 * required options, stray arguments, the kernel's answer); rulesServiceCommand, rulesServerCommand and
 * rulesGlobalCommand check each kind of command, rulesEndpoint reads addresses.
 */

import type { Diagnostic, Fix } from '../diagnostics';
import type { IpvsCommand } from './ipvsCommand';
import type { IpvsError, IpvsMachine } from './ipvsEngine';
import type { EndpointCache } from './rulesEndpoint';
import { daemonCommand, setCommand } from './rulesGlobalCommand';
import type { RuleLine, RuleSwitch } from './rulesLexer';
import { RuleLineContext } from './rulesLineContext';
import { serverCommand } from './rulesServerCommand';
import { checkServiceReset, serviceKey, serviceSettings } from './rulesServiceCommand';
import type { OptionGroup } from './rulesSyntax';
import { COMMAND_OPTIONS } from './rulesSyntax';

export interface LineOutcome {
  /** The kernel command, when the line is valid and changes the table. */
  command?: IpvsCommand;
  /** The kernel's answer when applying it failed. */
  error?: IpvsError;
  diagnostics: Diagnostic[];
}

/** The groups each command requires ('+' in commands_v_options). */
const REQUIRED = Object.fromEntries(
  (Object.keys(COMMAND_OPTIONS) as (keyof typeof COMMAND_OPTIONS)[]).map((c) => [c, (Object.keys(COMMAND_OPTIONS[c]) as OptionGroup[]).filter((g) => COMMAND_OPTIONS[c][g] === '+')]),
) as Record<keyof typeof COMMAND_OPTIONS, OptionGroup[]>;

/** Checks one line against the table state before it and applies it when valid. */
export function interpretLine(line: RuleLine, machine: IpvsMachine, cache: EndpointCache = new Map()): LineOutcome {
  const c = new RuleLineContext(line, machine, cache);
  const cmd = line.command;
  if (!cmd) {
    if (line.syntaxErrors === 0) {
      c.report(line.tokens[0].range, 'IPVSADM001',
        `No command on this line ('${line.tokens[0].text}'): a rule starts with -A, -E, -D (services), -a, -e, -d (real servers), -C or -Z.`);
    }
    return { diagnostics: c.diagnostics };
  }
  for (const extra of line.extraCommands) {
    c.report(extra.token.range, 'IPVSADM005', `One command per line: ${extra.token.text} (${extra.spec.summary}) after ${cmd.token.text} (${cmd.spec.summary}); ipvsadm refuses the line ("multiple commands specified").`);
  }
  const id = cmd.spec.id;
  if (id === 'restore') {
    c.report(cmd.token.range, 'IPVSADM035', '-R inside a rules file: ipvsadm -R refuses it and stops reading.', undefined, 'error');
    return { diagnostics: c.diagnostics };
  }
  if (id === 'list' || id === 'save' || id === 'help' || id === 'version') {
    c.report(cmd.token.range, 'IPVSADM035', `${cmd.token.text} (${cmd.spec.summary}) only prints; it does not change the table. Remove it from the rules file.`);
    return { diagnostics: c.diagnostics };
  }
  collectOptions(c, id);
  checkPositionals(c, id);

  if (id === 'set') return finish(c, setCommand(c));
  if (id === 'start-daemon' || id === 'stop-daemon') return finish(c, daemonCommand(c, id));
  if (id === 'flush') return finish(c, { kind: 'flush' });

  const key = serviceKey(c);
  if (id === 'zero') return finish(c, key ? { kind: 'zero', key } : c.group('service-address') ? undefined : { kind: 'zero' });
  if (!key) return { diagnostics: c.diagnostics };
  if (id === 'delete-service') return finish(c, { kind: 'delete-service', key });
  if (id === 'add-service' || id === 'edit-service') {
    const settings = serviceSettings(c, key);
    if (id === 'edit-service') checkServiceReset(c, settings);
    return finish(c, { kind: id, service: settings });
  }
  // add-server, edit-server, delete-server
  return finish(c, serverCommand(c, id, key));
}

function finish(c: RuleLineContext, command: IpvsCommand | undefined): LineOutcome {
  if (!command || c.fatal) return { diagnostics: c.diagnostics };
  const error = c.machine.apply(command);
  if (error) reportKernelError(c, command, error);
  return error ? { command, error, diagnostics: c.diagnostics } : { command, diagnostics: c.diagnostics };
}

function reportKernelError(c: RuleLineContext, command: IpvsCommand, error: IpvsError): void {
  const svc = c.group('service-address');
  const svcRange = (svc?.arg ?? svc?.token ?? c.line.command?.token)?.range ?? c.line.range;
  const rs = c.group('real-server');
  const rsRange = (rs?.arg ?? rs?.token)?.range ?? svcRange;
  const svcText = svc?.arg?.text ?? '';
  switch (error) {
    case 'Service already exists':
      c.report(svcRange, 'IPVSADM025', `The service ${svcText} is already defined (ipvsadm: "Service already exists"). Use -E to change it, or remove this line.`);
      break;
    case 'No such service':
      c.report(svcRange, 'IPVSADM026', `No service ${svcText} is defined at this point (ipvsadm: "No such service").`);
      break;
    case 'Service not defined':
      c.report(svcRange, 'IPVSADM024', `The service ${svcText} is not defined at this point (ipvsadm: "Service not defined"): add it with -A before its real servers.`);
      break;
    case 'Destination already exists':
      c.report(rsRange, 'IPVSADM027', `The real server ${rs?.arg?.text ?? ''} is already in ${svcText} (ipvsadm: "Destination already exists"). Use -e to change it, or remove this line.`);
      break;
    case 'No such destination':
      c.report(rsRange, 'IPVSADM028', `The real server ${rs?.arg?.text ?? ''} is not in ${svcText} at this point (ipvsadm: "No such destination").`);
      break;
    default:
      c.report(command.kind === 'add-server' || command.kind === 'edit-server' ? rsRange : svcRange, 'IPVSADM020', `The kernel refuses this: "${error}".`);
  }
}

function collectOptions(c: RuleLineContext, id: keyof typeof COMMAND_OPTIONS): void {
  const cmd = c.line.command as RuleSwitch<{ summary: string }>;
  const allowed = COMMAND_OPTIONS[id];
  for (const o of c.line.options) {
    const g = o.spec.group;
    if (g) {
      const prev = c.byGroup.get(g);
      if (prev) {
        c.report(o.token.range, 'IPVSADM005', `${o.token.text} repeats ${prev.token.text} (${g}): ipvsadm refuses the line ("multiple '${g}' options specified").`);
        continue;
      }
      c.byGroup.set(g, o);
      if (allowed[g] === undefined) {
        c.report(o.token.range, 'IPVSADM003', `${o.token.text} (${o.spec.summary}) is not allowed with ${cmd.token.text} (${cmd.spec.summary}); ipvsadm refuses the line.`);
      }
    }
    if (!c.byId.has(o.spec.id)) c.byId.set(o.spec.id, o);
  }
  for (const g of REQUIRED[id]) {
    if (c.byGroup.has(g)) continue;
    const what = g === 'service-address'
      ? 'a virtual service: -t, -u or --sctp-service address:port, or -f fwmark'
      : g === 'real-server' ? 'a real server: -r address[:port]' : `--${g}`;
    c.report(cmd.token.range, 'IPVSADM004', `${cmd.token.text} (${cmd.spec.summary}) needs ${what}.`);
  }
}

function checkPositionals(c: RuleLineContext, id: string): void {
  if (id === 'set') return;
  const pos = c.line.positionals;
  for (let i = 0; i < pos.length; i++) {
    const t = pos[i];
    const fixes: Fix[] = [];
    let hint = '';
    if (t.text === 'ops') {
      hint = ' (old ipvsadm -S spelling of -o)';
      fixes.push({ title: 'Replace with -o', edits: [{ range: t.range, newText: '-o' }], preferred: true });
    } else if (t.text === 'pe' && pos[i + 1]) {
      hint = ' (old ipvsadm -S spelling of --pe)';
      fixes.push({ title: 'Replace with --pe', edits: [{ range: t.range, newText: '--pe' }], preferred: true });
      i++;
    }
    c.report(t.range, 'IPVSADM006', `Unexpected argument '${t.text}'${hint}: ipvsadm refuses the line.`, fixes);
  }
}
