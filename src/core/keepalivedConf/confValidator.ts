/**
 * Diagnostics for a keepalived.conf text (codes in ./confCodes.ts, documented in docs/keepalived-conf.md):
 * braces and quotes, keywords unknown in their block (with the closest one), keywords newer than the
 * target release, old spellings with a quick fix, blocks and values, schedulers and forwarding methods,
 * duplicate virtual servers, real servers and named blocks, includes that match nothing, references to
 * scripts, track files, groups… not defined (above) (./confReferences.ts).
 *
 * Only statements of the text itself are reported; included files give context (their blocks, their
 * virtual servers for duplicates) and are validated when opened themselves. Words holding a `$NAME`
 * parameter are never judged: keepalived replaces them before it reads the line.
 */

import type { Diagnostic, Fix, Range } from '../diagnostics';
import { closestNames } from '../closestName';
import { parseAddress, parseCidr } from '../ipvs/address';
import { isScheduler } from '../ipvs/schedulers';
import { SCHEDULERS } from '../ipvs/types';
import { KEEPALIVED_CODES } from './confCodes';
import type { KeepalivedCode } from './confCodes';
import { parseConf } from './confParser';
import { referenceDiagnostics } from './confReferences';
import type { ConfNode, ConfProblem, ParseOptions, ParsedConf } from './confParser';
import type { ConfToken } from './confLexer';
import { blockKeywords, blocksWithKeyword, compareVersions, sinceText, TARGET_VERSION } from './keywords';
import type { Keyword } from './keywords';
import type { ValueSpec } from './keywordSpecs';

const METHODS = ['NAT', 'DR', 'TUN'];
const TUNNEL_TYPES = ['ipip', 'gue', 'gre'];
const ADDRESS_BLOCKS = new Set(['vrrp_instance.virtual_ipaddress', 'vrrp_instance.virtual_ipaddress_excluded', 'root.static_ipaddress', 'vrrp_instance.unicast_peer']);

function diag(code: KeepalivedCode, range: Range, message: string, fixes?: Fix[]): Diagnostic {
  const d: Diagnostic = { range, severity: KEEPALIVED_CODES[code].severity, code, message };
  if (fixes && fixes.length > 0) d.fixes = fixes;
  return d;
}

function replaceFix(title: string, range: Range, newText: string, preferred = true): Fix {
  return { title, edits: [{ range, newText }], preferred };
}

function isInteger(text: string): boolean {
  return /^-?\d+$/.test(text);
}

function isSeconds(text: string): boolean {
  return /^(\d+(\.\d{0,6})?|\.\d{1,6})$/.test(text);
}

function isAddress(text: string): boolean {
  return parseAddress(text) !== undefined;
}

function isAddressOrCidr(text: string): boolean {
  return isAddress(text) || parseCidr(text) !== undefined;
}

function problemDiagnostic(p: ConfProblem): Diagnostic {
  switch (p.kind) {
    case 'extra-close':
      return diag('KAL001', p.range, "Extra '}': no block is open here (keepalived: \"Extra '}' found\").");
    case 'unclosed':
      return diag('KAL001', p.range, `The block of ${p.subject ?? 'this keyword'} is not closed: add '}' after its last line.`);
    case 'stray-open':
      return diag('KAL001', p.range, "'{' without a keyword before it: keepalived ignores it (\"Unexpected '{'\") and the next '}' closes the enclosing block.");
    case 'unterminated-quote':
      return diag('KAL002', p.range, 'Missing closing \'"\': keepalived reports "Unterminated quote" and drops the rest of the line.');
    case 'include-cycle':
      return diag('KAL012', p.range, `${p.subject ?? 'A file'} is included again while it is being read (an include cycle); keepalived would read it forever.`);
  }
}

class Validator {
  readonly out: Diagnostic[] = [];
  /** Named blocks (vrrp_instance NAME …) seen so far, by block and name. */
  private readonly named = new Map<string, ConfNode>();
  /** The vrrp_instance names of the text and its includes. */
  private readonly instances = new Set<string>();
  /** The first global_defs block of the text itself. */
  private globalDefs: ConfNode | undefined;

  constructor(root: readonly ConfNode[]) {
    for (const n of root) {
      if (n.keyword.text === 'vrrp_instance' && n.args[0]) this.instances.add(n.args[0].text);
      else if (n.keyword.text === 'global_defs' && n.file === undefined && !this.globalDefs) this.globalDefs = n;
    }
  }

  private report(node: ConfNode | undefined, d: Diagnostic): void {
    if (!node || node.file === undefined) this.out.push(d);
  }

  /** `parent`: the statement whose block `nodes` are (undefined at the top level). */
  walk(nodes: readonly ConfNode[], block: string, parent?: ConfNode): void {
    const servers = new Map<string, ConfNode>();
    for (const node of nodes) {
      const name = node.keyword.text;
      if (node.keyword.hasParameter) continue;
      const kw = blockKeywords(block).get(name);
      if (!kw) {
        this.unknown(node, block);
        continue;
      }
      if (compareVersions(kw.since, TARGET_VERSION) > 0) {
        this.report(node, diag('KAL004', node.keyword.range, `${name} needs ${sinceText(kw.since)}; keepalived ${TARGET_VERSION} reports "Unknown keyword '${name}'" and ignores it.`));
      }
      if (kw.deprecated) this.deprecated(node, kw, parent);
      this.shape(node, kw);
      if (kw.value && !node.args.some((a) => a.hasParameter)) this.values(node, kw.value);
      this.special(node, block, servers);
      if (node.block && kw.child.kind === 'keywords') this.walk(node.block.children, kw.child.block, node);
      else if (node.block && kw.child.kind === 'values') this.valueLines(node.block.children, `${block}.${name}`);
    }
  }

  private unknown(node: ConfNode, block: string): void {
    const name = node.keyword.text;
    const where = blocksWithKeyword(name, block);
    const inBlock = block === 'root' ? 'at the top level' : `in ${block}`;
    if (where.length > 0) {
      const places = where.map((b) => (b === 'root' ? 'the top level' : b)).slice(0, 4).join(', ');
      this.report(node, diag('KAL003', node.keyword.range, `${name} is not a keyword ${inBlock}: it belongs in ${places}. keepalived reports "Unknown keyword '${name}'" and ignores it${node.block ? ' and its block' : ''}.`));
      return;
    }
    if (block === 'vrrp_sync_group' && this.instances.has(name)) {
      this.report(node, diag('KAL003', node.keyword.range, `'${name}' is a vrrp_instance name, not a keyword: keepalived wants the instances of a sync group inside a group { } block, and ignores this line ("Unknown keyword").`, [
        { title: `Wrap in 'group { ${name} }'`, edits: [{ range: node.range, newText: `group {\n    ${name}\n  }` }], preferred: true },
      ]));
      return;
    }
    const candidates = [...blockKeywords(block).keys()];
    const [closest] = closestNames(name, candidates);
    const hint = closest ? ` Did you mean '${closest}'?` : '';
    const fixes = closest ? [replaceFix(`Change to '${closest}'`, node.keyword.range, closest)] : [];
    this.report(node, diag('KAL003', node.keyword.range, `Unknown keyword '${name}' ${inBlock}: keepalived ignores it${node.block ? ' and its block' : ''}.${hint}`, fixes));
  }

  private deprecated(node: ConfNode, kw: Keyword, parent: ConfNode | undefined): void {
    const dep = kw.deprecated;
    if (!dep) return;
    if (dep.replacement) {
      this.report(node, diag('KAL005', node.keyword.range, `${kw.name} is the old spelling of ${dep.replacement} (renamed in keepalived ${dep.since}).`, [
        replaceFix(`Change to '${dep.replacement}'`, node.keyword.range, dep.replacement),
      ]));
      return;
    }
    const fixes = kw.name === 'lvs_sync_daemon_interface' ? this.moveSyncDaemonFix(node, parent) : [];
    this.report(node, diag('KAL005', node.keyword.range, `${kw.name} is deprecated (since keepalived ${dep.since}). ${dep.advice ?? ''}`.trim(), fixes));
  }

  /** `lvs_sync_daemon_interface IF` in vrrp_instance NAME → `lvs_sync_daemon IF NAME` in global_defs. */
  private moveSyncDaemonFix(node: ConfNode, instanceNode: ConfNode | undefined): Fix[] {
    const iface = node.args[0]?.text;
    const instance = instanceNode?.keyword.text === 'vrrp_instance' ? instanceNode.args[0]?.text : undefined;
    if (!iface || !instance) return [];
    const line = node.keyword.range.start.line;
    const remove = { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' };
    const setting = `lvs_sync_daemon ${iface} ${instance}`;
    const globals = this.globalDefs;
    const insert = globals?.block
      ? { range: { start: { line: globals.block.open.end.line + 1, character: 0 }, end: { line: globals.block.open.end.line + 1, character: 0 } }, newText: `    ${setting}\n` }
      : { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `global_defs {\n    ${setting}\n}\n\n` };
    if (globals?.block && globals.block.open.end.line === line) return [];
    return [{ title: `Move to global_defs as '${setting}'`, edits: [insert, remove], preferred: true }];
  }

  private shape(node: ConfNode, kw: Keyword): void {
    if (kw.child.kind === 'none' && node.block) {
      this.report(node, diag('KAL006', node.block.open, `${kw.name} takes no { } block: keepalived reads '{' as an unexpected brace and the '}' closes the enclosing block.`));
    } else if (kw.child.kind !== 'none' && !node.block) {
      this.report(node, diag('KAL006', node.keyword.range, `${kw.name} needs a { } block (keepalived: "Missing '{' at beginning of configuration block").`));
    }
  }

  private values(node: ConfNode, spec: ValueSpec): void {
    const [first, ...rest] = node.args;
    const name = node.keyword.text;
    if (spec.kind === 'none') return;
    if (!first) {
      this.report(node, diag('KAL007', node.keyword.range, `${name} needs a value${spec.kind === 'choice' ? ` (${spec.values.join(', ')})` : ''}.`));
      return;
    }
    const extra = (allowed: readonly string[] = []): void => {
      const bad = rest.find((a) => !allowed.includes(a.text));
      if (bad || rest.length > allowed.length) {
        const at = bad ?? rest[allowed.length];
        this.report(node, diag('KAL007', at.range, `${name} takes one value; '${at.text}' is extra (keepalived ignores it).`, [replaceFix('Remove the extra values', { start: first.range.end, end: node.args[node.args.length - 1].range.end }, '')]));
      }
    };
    switch (spec.kind) {
      case 'integer': {
        const n = Number(first.text);
        if (!isInteger(first.text) || n < spec.min || n > spec.max) {
          this.report(node, diag('KAL008', first.range, `${name} must be an integer ${spec.min}–${spec.max}: '${first.text}' is not.`));
        }
        extra(spec.then);
        return;
      }
      case 'seconds': {
        const n = Number(first.text);
        if (!isSeconds(first.text) || n < spec.min || (spec.max !== undefined && n > spec.max)) {
          const bounds = spec.max !== undefined ? `${spec.min}–${spec.max}` : spec.min > 0 ? 'above 0' : '0 or more';
          this.report(node, diag('KAL008', first.range, `${name} must be seconds ${bounds} (up to 6 decimals): '${first.text}' is not.`));
        }
        extra();
        return;
      }
      case 'choice': {
        const ok = spec.anyCase ? spec.values.some((v) => v.toLowerCase() === first.text.toLowerCase()) : spec.values.includes(first.text);
        if (!ok) {
          const [closest] = closestNames(first.text, spec.values);
          const caseNote = spec.anyCase ? '' : ' (keepalived compares case-sensitively)';
          this.report(node, diag('KAL008', first.range, `${name} must be ${spec.values.join(', ')}: '${first.text}' is not${caseNote}.`, closest ? [replaceFix(`Change to '${closest}'`, first.range, closest)] : []));
        }
        extra();
        return;
      }
      case 'scheduler': {
        if (!isScheduler(first.text)) {
          const [closest] = closestNames(first.text, SCHEDULERS);
          this.report(node, diag('KAL009', first.range, `Unknown scheduler '${first.text}' (keepalived: "Invalid lvs_scheduler"; the default wlc is used). Did you mean '${closest}'? Schedulers: ${SCHEDULERS.join(', ')}.`, [replaceFix(`Change to '${closest}'`, first.range, closest)]));
        }
        extra();
        return;
      }
      case 'method':
        this.method(node, first, rest);
        return;
      case 'word':
        return;
    }
  }

  private method(node: ConfNode, first: ConfToken, rest: readonly ConfToken[]): void {
    if (!METHODS.includes(first.text)) {
      const [closest] = closestNames(first.text, METHODS);
      this.report(node, diag('KAL010', first.range, `Unknown forwarding method '${first.text}': NAT, DR or TUN (upper case; keepalived: "unknown routing method").`, [replaceFix(`Change to '${closest}'`, first.range, closest)]));
      return;
    }
    if (first.text !== 'TUN' || rest.length === 0) return;
    const typeAt = rest.findIndex((t) => t.text === 'type');
    const type = typeAt >= 0 ? rest[typeAt + 1] : undefined;
    if (typeAt >= 0 && (!type || (!type.hasParameter && !TUNNEL_TYPES.includes(type.text)))) {
      this.report(node, diag('KAL010', type?.range ?? rest[typeAt].range, `Unknown tunnel type '${type?.text ?? ''}': ipip, gue (with port N) or gre.`));
    }
  }

  private special(node: ConfNode, block: string, servers: Map<string, ConfNode>): void {
    const name = node.keyword.text;
    const judged = !node.args.some((a) => a.hasParameter);
    if (block === 'root' && name === 'virtual_server') {
      if (judged) this.serviceAddress(node);
      this.duplicate(node, servers, 'virtual server', 'virtual_server');
    } else if (block === 'virtual_server' && (name === 'real_server' || name === 'sorry_server')) {
      if (judged) this.hostPort(node, node.args[0], node.args[1], name === 'sorry_server');
      if (name === 'real_server') this.duplicate(node, servers, 'real server', 'real_server');
    } else if (blockKeywords(block).get(name)?.named && node.args[0]) {
      this.duplicate(node, this.named, name, `${block}.${name}`);
    }
  }

  private serviceAddress(node: ConfNode): void {
    const [a, b] = node.args;
    if (!a) {
      this.report(node, diag('KAL007', node.keyword.range, 'virtual_server needs IP PORT, fwmark MARK or group NAME.'));
      return;
    }
    if (a.text === 'fwmark') {
      const n = Number(b?.text);
      if (!b || !isInteger(b.text) || n < 1 || n > 4294967295) this.report(node, diag('KAL008', b?.range ?? a.range, `fwmark must be 1–4294967295: '${b?.text ?? ''}' is not.`));
      return;
    }
    if (a.text === 'group') {
      if (!b) this.report(node, diag('KAL007', a.range, 'virtual_server group needs the name of a virtual_server_group.'));
      return;
    }
    this.hostPort(node, a, b, false);
  }

  private hostPort(node: ConfNode, address: ConfToken | undefined, port: ConfToken | undefined, portRequired: boolean): void {
    const what = node.keyword.text;
    if (!address) {
      this.report(node, diag('KAL007', node.keyword.range, `${what} needs an IP address and a port.`));
      return;
    }
    if (!isAddress(address.text)) {
      this.report(node, diag('KAL013', address.range, `'${address.text}' is not an IPv4 or IPv6 address (${what}).`));
      return;
    }
    if (!port) {
      if (portRequired) this.report(node, diag('KAL007', address.range, `${what} needs a port after the address.`));
      return;
    }
    const n = Number(port.text);
    if (!isInteger(port.text) || n < 0 || n > 65535) this.report(node, diag('KAL008', port.range, `Port '${port.text}' is out of range: 0–65535.`));
  }

  private duplicate(node: ConfNode, seen: Map<string, ConfNode>, what: string, scope: string): void {
    if (node.condition || node.repeated || node.args.some((a) => a.hasParameter)) return;
    const key = `${scope} ${node.args.map((a) => a.text).join(' ')}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, node);
      return;
    }
    const where = first.file === undefined ? `line ${first.keyword.range.start.line + 1}` : `${first.file}:${first.keyword.range.start.line + 1}`;
    this.report(node, diag('KAL011', { start: node.args[0].range.start, end: node.args[node.args.length - 1].range.end }, `${what} ${node.args.map((a) => a.text).join(' ')} is already defined (${where}); keepalived keeps both definitions and the second one fights the first.`));
  }

  private valueLines(nodes: readonly ConfNode[], owner: string): void {
    if (!ADDRESS_BLOCKS.has(owner) && owner !== 'root.virtual_server_group') return;
    for (const node of nodes) {
      const first = node.keyword;
      if (first.hasParameter) continue;
      if (owner === 'root.virtual_server_group') {
        if (first.text === 'fwmark') continue;
        // A range repeats the last part of the address: 10.0.0.1-10, ae00::2-9.
        const dash = first.text.lastIndexOf('-');
        const base = dash > 0 && /^[0-9a-fA-F]+$/.test(first.text.slice(dash + 1)) ? first.text.slice(0, dash) : first.text;
        if (!isAddressOrCidr(base)) this.report(node, diag('KAL013', first.range, `'${first.text}' is not an address, address range (10.0.0.1-10) or fwmark entry.`));
        continue;
      }
      if (!isAddressOrCidr(first.text)) this.report(node, diag('KAL013', first.range, `'${first.text}' is not an IPv4 or IPv6 address${owner.endsWith('unicast_peer') ? '' : ' (IP[/prefix])'}.`));
    }
  }
}

export interface KeepalivedValidation {
  parsed: ParsedConf;
  diagnostics: Diagnostic[];
}

export function validateKeepalivedParsed(parsed: ParsedConf): Diagnostic[] {
  const v = new Validator(parsed.nodes);
  for (const p of parsed.problems) if (p.file === undefined) v.out.push(problemDiagnostic(p));
  for (const inc of parsed.includes) {
    if (inc.file === undefined && inc.matched && inc.matched.length === 0) {
      v.out.push(diag('KAL012', inc.pattern.range, `No file matches '${inc.pattern.text}' (relative to this file's folder): keepalived reads nothing here.`));
    }
  }
  v.walk(parsed.nodes, 'root');
  v.out.push(...referenceDiagnostics(parsed));
  return v.out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function validateKeepalivedConf(text: string, options: ParseOptions = {}): KeepalivedValidation {
  const parsed = parseConf(text, options);
  return { parsed, diagnostics: validateKeepalivedParsed(parsed) };
}
