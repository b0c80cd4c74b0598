/**
 * One walk over the parsed YAML document: checks the structure and every value on its own (types, ranges,
 * enums, allow-lists, unknown/duplicate/secret keys, per-service rules) and builds the model items with the
 * spans the semantic checks need. Cross-item rules (references, duplicates, subnets) are in semanticChecks.
 */

import { isAlias, isMap, isScalar, isSeq, type Document, type ParsedNode, type YAMLMap } from 'yaml';
import { ipv4NetmaskPrefix, ipv4PrefixNetmask, parseAddress, parseCidr, type ParsedAddress } from '../ipvs/address';
import type { AddressFamily, ForwardingMethod, Protocol, SchedFlag, Scheduler, TunnelChecksum, TunnelType } from '../ipvs/types';
import { SCHED_FLAGS } from '../ipvs/types';
import { closestName } from './closestName';
import type { DiagnosticSink } from './diagnosticSink';
import { ENUMS, OBJECT_KEYS, OBJECT_NAMES, SCHEDULER_ALIASES, SECRET_KEY, type ObjectKind } from './formatKeys';
import { IPVS_SYSCTL_DEFAULTS } from './types';
import type { HostSpec, RealServerSpec, ServiceSpec, SshSettings, StrictHostKeyChecking, TunnelSpec } from './types';
import { IPVS_SYSCTLS, sysctlValueProblem } from './ipvsSysctls';
import type { ParsedCluster, ParsedDirector, ParsedFile, ParsedHost, ParsedRealServer, ParsedService } from './parsedFile';
import { removeFix, replaceFix, type Span } from './quickFixes';
import { isInterfaceName, isName, isProxyJump, isSafePath, isSshHost, isUserName, isVipLabel } from './stringRules';

/** ipvsadm's default scheduler. */
export const DEFAULT_SCHEDULER: Scheduler = 'wlc';
/** ipvsadm's default persistence timeout (`-p` without a value), seconds. */
export const DEFAULT_PERSISTENCE_TIMEOUT = 300;
/** ipvsadm accepts persistence timeouts up to 31 days. */
export const MAX_PERSISTENCE_TIMEOUT = 86400 * 31;
const MAX_U32 = 4294967295;
const INT_MAX = 2147483647;

type YNode = ParsedNode;

/** One key of a mapping; spans are computed only when a diagnostic needs them (most entries never do). */
class Entry {
  constructor(
    readonly key: string,
    private readonly keyNode: YNode,
    /** The value as written (may be an alias), for spans. */
    private readonly raw: YNode | null,
    /** The resolved value; null for `key:` with nothing after it. */
    readonly value: YNode | null,
  ) {}

  get keySpan(): Span {
    return spanOf(this.keyNode);
  }

  get valueSpan(): Span {
    return this.raw ? spanOf(this.raw) : this.keySpan;
  }

  /** Key start to value end: what a removal deletes. */
  get pairSpan(): Span {
    return [this.keyNode.range[0], this.raw ? this.raw.range[1] : this.keyNode.range[1]];
  }
}

/** A list item seen as an entry of `key`, to reuse the value readers on it. */
function itemEntry(key: string, keyNode: YNode, item: YNode): Entry {
  return new Entry(key, keyNode, item, item);
}

type Entries = Map<string, Entry>;

function spanOf(node: YNode): Span {
  return [node.range[0], node.range[1]];
}

function describe(node: YNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `the boolean ${v}`;
    if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  }
  return 'a value of another type';
}

function familyName(family: AddressFamily): string {
  return family === 'inet' ? 'IPv4' : 'IPv6';
}

export class ClusterFileWalker {
  private readonly text: string;
  /** Real servers repeat addresses across services: parse each distinct text once. */
  private readonly addressCache = new Map<string, ParsedAddress | null>();

  constructor(private readonly doc: Document.Parsed, private readonly sink: DiagnosticSink) {
    this.text = sink.text;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Generic readers

  private resolve(node: YNode | null | undefined): YNode | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return (target as YNode | undefined) ?? null;
    }
    return node;
  }

  private isEmpty(node: YNode | null): boolean {
    return node === null || (isScalar(node) && node.value === null);
  }

  private cachedAddress(text: string): ParsedAddress | undefined {
    let a = this.addressCache.get(text);
    if (a === undefined) this.addressCache.set(text, (a = parseAddress(text) ?? null));
    return a ?? undefined;
  }

  /** Reads a mapping's entries, reporting unknown, duplicate and secret keys. */
  private entries(map: YAMLMap.Parsed, kind: ObjectKind): Entries {
    const known = OBJECT_KEYS[kind];
    const out: Entries = new Map();
    for (const pair of map.items) {
      const keyNode = pair.key as YNode | null;
      if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== 'string') {
        const span = keyNode ? spanOf(keyNode) : spanOf(map);
        this.sink.report('LVS006', span, `Keys of ${OBJECT_NAMES[kind]} are plain names; found ${describe(keyNode)}.`);
        continue;
      }
      const key = keyNode.value;
      const raw = pair.value as YNode | null;
      const value = this.resolve(raw);
      if (!known.includes(key)) {
        const keySpan = spanOf(keyNode);
        const pairSpan: Span = [keySpan[0], raw ? raw.range[1] : keySpan[1]];
        if (SECRET_KEY.test(key)) {
          this.sink.report('LVS008', keySpan,
            `"${key}" looks like a secret. Secrets never go in the cluster file: ssh keys and their passphrases live in the ssh-agent, passwords in VS Code's SecretStorage (the extension asks when it needs one).`,
            [removeFix(`Remove "${key}"`, this.text, this.sink.lines, pairSpan)]);
        } else {
          const suggestion = closestName(key, known);
          this.sink.report('LVS004', keySpan,
            `Unknown key "${key}" in ${OBJECT_NAMES[kind]}${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Known keys: ${known.join(', ')}.`,
            suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, keySpan, suggestion)] : undefined);
        }
        this.scanForSecrets(value);
        continue;
      }
      const entry = new Entry(key, keyNode, raw, value);
      if (out.has(key)) {
        this.sink.report('LVS007', entry.keySpan, `"${key}" is set twice in ${OBJECT_NAMES[kind]}; YAML keeps only one of them.`,
          [removeFix(`Remove this "${key}"`, this.text, this.sink.lines, entry.pairSpan)]);
        continue;
      }
      out.set(key, entry);
    }
    return out;
  }

  /** Secrets under keys that are unknown anyway (so their content is not walked otherwise). */
  private scanForSecrets(node: YNode | null): void {
    if (node === null) return;
    if (isSeq(node)) {
      for (const item of node.items) this.scanForSecrets(this.resolve(item as YNode));
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key as YNode | null;
        if (k && isScalar(k) && typeof k.value === 'string' && SECRET_KEY.test(k.value)) {
          const keySpan = spanOf(k);
          const end = pair.value ? (pair.value as YNode).range[1] : keySpan[1];
          this.sink.report('LVS008', keySpan,
            `"${k.value}" looks like a secret. Secrets never go in the cluster file: ssh keys and their passphrases live in the ssh-agent, passwords in VS Code's SecretStorage.`,
            [removeFix(`Remove "${k.value}"`, this.text, this.sink.lines, [keySpan[0], end])]);
        }
        this.scanForSecrets(this.resolve(pair.value as YNode | null));
      }
    }
  }

  /** The span for a "missing key" diagnostic: the mapping's first key (its `- ` line), else the mapping. */
  private headSpan(map: YAMLMap.Parsed): Span {
    const first = map.items[0]?.key as YNode | null | undefined;
    return first ? spanOf(first) : spanOf(map);
  }

  private missing(map: YAMLMap.Parsed, kind: ObjectKind, key: string, hint = ''): void {
    this.sink.report('LVS005', this.headSpan(map), `${OBJECT_NAMES[kind][0].toUpperCase()}${OBJECT_NAMES[kind].slice(1)} needs "${key}"${hint}.`);
  }

  private wrongType(e: Entry, expected: string): undefined {
    this.sink.report('LVS006', e.valueSpan, `"${e.key}" must be ${expected}; found ${describe(e.value)}.`);
    return undefined;
  }

  private string(e: Entry | undefined): string | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'string') return v.value;
    return this.wrongType(e, 'text');
  }

  private integer(e: Entry | undefined): number | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'number') {
      if (Number.isInteger(v.value)) return v.value;
      return this.wrongType(e, 'a whole number');
    }
    return this.wrongType(e, 'a number');
  }

  private boolean(e: Entry | undefined): boolean | undefined {
    if (!e) return undefined;
    const v = e.value;
    if (v !== null && isScalar(v) && typeof v.value === 'boolean') return v.value;
    return this.wrongType(e, 'true or false');
  }

  /** An integer in [min, max]; `code` reports the range. */
  private ranged(e: Entry | undefined, min: number, max: number, code: 'LVS011' | 'LVS012' | 'LVS016', what: string): number | undefined {
    const n = this.integer(e);
    if (n === undefined || !e) return undefined;
    if (n < min || n > max) {
      this.sink.report(code, e.valueSpan, `${what} must be between ${min} and ${max}; found ${n}.`);
      return undefined;
    }
    return n;
  }

  private enumValue<T extends string>(e: Entry | undefined, values: readonly T[], what: string,
    aliases?: Readonly<Record<string, string>>): T | undefined {
    const s = this.string(e);
    if (s === undefined || !e) return undefined;
    if ((values as readonly string[]).includes(s)) return s as T;
    const suggestion = closestName(s, values, aliases);
    const code = what === 'scheduler' ? 'LVS014' : 'LVS013';
    this.sink.report(code, e.valueSpan,
      `Unknown ${what} "${s}"${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Valid: ${values.join(', ')}.`,
      suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, e.valueSpan, suggestion)] : undefined);
    return undefined;
  }

  /** A string that passes an allow-list (LVS009 otherwise). */
  private safe(e: Entry | undefined, test: (s: string) => boolean, what: string): string | undefined {
    const s = this.string(e);
    if (s === undefined || !e) return undefined;
    if (test(s)) return s;
    this.sink.report('LVS009', e.valueSpan, `"${s}" is not ${what}. Values that reach a remote shell are restricted to safe characters.`);
    return undefined;
  }

  private name(e: Entry | undefined, what: string): string | undefined {
    return this.safe(e, isName, `a valid ${what} (letters, digits, ".", "_", "-", starting with a letter or digit, at most 63)`);
  }

  private interfaceName(e: Entry | undefined): string | undefined {
    return this.safe(e, isInterfaceName, 'a valid interface name (at most 15 letters, digits, ".", "_", "-")');
  }

  /** A list value; `null` (empty) counts as an empty list. */
  private list(e: Entry | undefined): YNode[] | undefined {
    if (!e || this.isEmpty(e.value)) return e ? [] : undefined;
    if (e.value !== null && isSeq(e.value)) return e.value.items.map((i) => this.resolve(i as YNode)).filter((i): i is YNode => i !== null);
    return this.wrongType(e, 'a list');
  }

  private mapping(e: Entry | undefined): YAMLMap.Parsed | undefined {
    if (!e) return undefined;
    if (e.value !== null && isMap(e.value)) return e.value;
    return this.wrongType(e, 'a mapping');
  }

  private itemMaps(e: Entry | undefined, kind: ObjectKind): YAMLMap.Parsed[] {
    const items = this.list(e);
    if (!items) return [];
    const out: YAMLMap.Parsed[] = [];
    for (const item of items) {
      if (isMap(item)) out.push(item);
      else this.sink.report('LVS006', spanOf(item), `Each item here must be ${OBJECT_NAMES[kind]} (a mapping of keys); found ${describe(item)}.`);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // The file

  walk(): ParsedFile {
    const file: ParsedFile = { hosts: [], clusters: [] };
    const root = this.resolve(this.doc.contents as YNode | null);
    if (root === null || this.isEmpty(root)) {
      this.sink.report('LVS003', [0, 0], 'The file is empty; a cluster file starts with "version: 1".');
      return file;
    }
    if (!isMap(root)) {
      this.sink.report('LVS006', spanOf(root), `A cluster file is a mapping with "version", "hosts" and "clusters"; found ${describe(root)}.`);
      return file;
    }
    const e = this.entries(root, 'root');
    const version = e.get('version');
    if (!version) {
      this.sink.report('LVS003', this.headSpan(root), 'Missing "version: 1" (the cluster file format version).');
    } else if (!(version.value !== null && isScalar(version.value) && version.value.value === 1)) {
      this.sink.report('LVS003', version.valueSpan, `Unsupported format version ${describe(version.value)}; this extension reads "version: 1".`,
        [replaceFix('Set version to 1', this.sink.lines, version.valueSpan, '1')]);
    }
    for (const item of this.itemMaps(e.get('hosts'), 'host')) {
      const host = this.host(item);
      if (host) file.hosts.push(host);
    }
    for (const item of this.itemMaps(e.get('clusters'), 'cluster')) {
      const cluster = this.cluster(item);
      if (cluster) file.clusters.push(cluster);
    }
    return file;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Hosts

  private host(map: YAMLMap.Parsed): ParsedHost | undefined {
    const e = this.entries(map, 'host');
    const nameEntry = e.get('name');
    if (!nameEntry) this.missing(map, 'host', 'name');
    const name = this.name(nameEntry, 'host name');
    const spec: HostSpec = { range: this.sink.lines.range(map.range[0], map.range[1]), name: name ?? '', addresses: [], ssh: {} };
    const address = e.get('address');
    const addresses = e.get('addresses');
    if (address && addresses) {
      this.sink.report('LVS037', addresses.keySpan, 'Use either "address" or "addresses", not both.');
    }
    const addressNodes: Array<{ node: YNode; span: Span; entry: Entry }> = [];
    if (address) addressNodes.push({ node: address.value as YNode, span: address.valueSpan, entry: address });
    else if (addresses) {
      for (const item of this.list(addresses) ?? []) addressNodes.push({ node: item, span: spanOf(item), entry: addresses });
    }
    for (const { node, span, entry } of addressNodes) {
      if (!isScalar(node) || typeof node.value !== 'string') {
        this.sink.report('LVS006', span, `"${entry.key}" must be an IP address (optionally with a prefix, like 192.168.116.3/24); found ${describe(node)}.`);
        continue;
      }
      const text = node.value;
      const cidr = text.includes('/') ? parseCidr(text) : undefined;
      const plain = cidr ? { family: cidr.family, text: cidr.address } : parseAddress(text);
      if (!plain) {
        this.sink.report('LVS010', span, `"${text}" is not an IPv4 or IPv6 address (or address/prefix like 192.168.116.3/24).`);
        continue;
      }
      if (!spec.addresses.includes(plain.text)) spec.addresses.push(plain.text);
      if (cidr) (spec.prefixLengths ??= {})[cidr.address] = cidr.prefix;
    }
    const iface = this.interfaceName(e.get('interface'));
    if (iface !== undefined) spec.interface = iface;
    let proxyJump: ParsedHost['proxyJump'];
    const sshMap = this.mapping(e.get('ssh'));
    if (sshMap) {
      const ssh = this.ssh(sshMap);
      spec.ssh = ssh.settings;
      proxyJump = ssh.proxyJump;
    }
    if (name === undefined) return undefined;
    const parsed: ParsedHost = { spec, item: spanOf(map), name: nameEntry ? nameEntry.valueSpan : this.headSpan(map) };
    if (proxyJump) parsed.proxyJump = proxyJump;
    return parsed;
  }

  private ssh(map: YAMLMap.Parsed): { settings: SshSettings; proxyJump?: { value: string; span: Span } } {
    const e = this.entries(map, 'ssh');
    const settings: SshSettings = {};
    const host = this.safe(e.get('host'), isSshHost, 'an IP address, DNS name or ssh config alias');
    if (host !== undefined) settings.host = host;
    const port = this.ranged(e.get('port'), 1, 65535, 'LVS011', 'An ssh port');
    if (port !== undefined) settings.port = port;
    const user = this.safe(e.get('user'), isUserName, 'a valid user name (letters, digits, ".", "_", "-", at most 32)');
    if (user !== undefined) settings.user = user;
    const pathRule = 'a safe path (letters, digits, "._@+-/", optionally starting with ~/ or /; no spaces)';
    const identityFile = this.safe(e.get('identityFile'), isSafePath, pathRule);
    if (identityFile !== undefined) settings.identityFile = identityFile;
    const knownHostsFile = this.safe(e.get('knownHostsFile'), isSafePath, pathRule);
    if (knownHostsFile !== undefined) settings.knownHostsFile = knownHostsFile;
    const shk = this.enumValue<StrictHostKeyChecking>(e.get('strictHostKeyChecking'), ENUMS.strictHostKeyChecking, 'strictHostKeyChecking value');
    if (shk !== undefined) settings.strictHostKeyChecking = shk;
    const pjEntry = e.get('proxyJump');
    const proxyJump = this.safe(pjEntry, isProxyJump, 'a valid proxyJump ([user@]host[:port], comma-separated hops)');
    let pj: { value: string; span: Span } | undefined;
    if (proxyJump !== undefined && pjEntry) {
      settings.proxyJump = proxyJump;
      pj = { value: proxyJump, span: pjEntry.valueSpan };
    }
    const sudo = this.boolean(e.get('sudo'));
    if (sudo !== undefined) settings.sudo = sudo;
    return pj ? { settings, proxyJump: pj } : { settings };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Clusters

  private cluster(map: YAMLMap.Parsed): ParsedCluster | undefined {
    const e = this.entries(map, 'cluster');
    const nameEntry = e.get('name');
    if (!nameEntry) this.missing(map, 'cluster', 'name');
    const name = this.name(nameEntry, 'cluster name');
    const directorsEntry = e.get('directors');
    const directors: ParsedDirector[] = [];
    if (!directorsEntry) this.missing(map, 'cluster', 'directors', ' (the hosts that hold the IPVS table)');
    else {
      const items = this.itemMaps(directorsEntry, 'director');
      const v = directorsEntry.value;
      if (this.isEmpty(v) || (v !== null && isSeq(v) && v.items.length === 0)) {
        this.sink.report('LVS005', directorsEntry.keySpan, 'A cluster needs at least one director.');
      }
      for (const item of items) {
        const d = this.director(item);
        if (d) directors.push(d);
      }
    }
    const sysctls: Record<string, number> = { ...IPVS_SYSCTL_DEFAULTS };
    const sysctlMap = this.mapping(e.get('sysctls'));
    if (sysctlMap) this.sysctls(sysctlMap, sysctls);
    const prune = this.boolean(e.get('prune')) ?? false;
    const services: ParsedService[] = [];
    for (const item of this.itemMaps(e.get('services'), 'service')) {
      const s = this.service(item);
      if (s) services.push(s);
    }
    if (name === undefined) return undefined;
    return {
      spec: { range: this.sink.lines.range(map.range[0], map.range[1]), name, directors: [], sysctls, prune, services: [] },
      item: spanOf(map),
      name: nameEntry ? nameEntry.valueSpan : this.headSpan(map),
      directors,
      services,
    };
  }

  private director(map: YAMLMap.Parsed): ParsedDirector | undefined {
    const e = this.entries(map, 'director');
    const hostEntry = e.get('host');
    if (!hostEntry) this.missing(map, 'director', 'host', ' (a host name of this file)');
    const host = this.name(hostEntry, 'host name');
    const iface = this.interfaceName(e.get('interface'));
    const labelEntry = e.get('vipLabel');
    const vipLabel = this.safe(labelEntry, isVipLabel, 'a valid address label (the interface name, optionally followed by ":" and letters or digits, at most 15 characters, like eth0:1)');
    if (host === undefined || !hostEntry) return undefined;
    const parsed: ParsedDirector = { spec: { range: this.sink.lines.range(map.range[0], map.range[1]), host }, item: spanOf(map), host: hostEntry.valueSpan };
    if (iface !== undefined) {
      parsed.spec.interface = iface;
      parsed.ownInterface = iface;
    }
    if (vipLabel !== undefined && labelEntry) {
      parsed.spec.vipLabel = vipLabel;
      parsed.vipLabel = labelEntry.valueSpan;
    }
    return parsed;
  }

  private sysctls(map: YAMLMap.Parsed, out: Record<string, number>): void {
    const known = Object.keys(IPVS_SYSCTLS);
    const seen = new Set<string>();
    for (const pair of map.items) {
      const keyNode = pair.key as YNode | null;
      if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.sink.report('LVS006', keyNode ? spanOf(keyNode) : spanOf(map), `Sysctl names are plain names like expire_nodest_conn; found ${describe(keyNode)}.`);
        continue;
      }
      const key = keyNode.value;
      const keySpan = spanOf(keyNode);
      const pairSpan: Span = [keySpan[0], pair.value ? (pair.value as YNode).range[1] : keySpan[1]];
      if (!Object.prototype.hasOwnProperty.call(IPVS_SYSCTLS, key)) {
        const stripped = key.replace(/^(?:net\.ipv4\.vs\.|net\/ipv4\/vs\/)/, '');
        const suggestion = stripped !== key && Object.prototype.hasOwnProperty.call(IPVS_SYSCTLS, stripped)
          ? stripped : closestName(stripped, known);
        this.sink.report('LVS035', keySpan,
          `Unknown IPVS sysctl "${key}"${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Names are written without "net.ipv4.vs." and must be one of: ${known.join(', ')}.`,
          suggestion ? [replaceFix(`Change to "${suggestion}"`, this.sink.lines, keySpan, suggestion)] : undefined);
        continue;
      }
      if (seen.has(key)) {
        this.sink.report('LVS007', keySpan, `"${key}" is set twice in sysctls; YAML keeps only one of them.`,
          [removeFix(`Remove this "${key}"`, this.text, this.sink.lines, pairSpan)]);
        continue;
      }
      seen.add(key);
      const value = this.resolve(pair.value as YNode | null);
      const valueSpan = pair.value ? spanOf(pair.value as YNode) : keySpan;
      const n = value !== null && isScalar(value) && typeof value.value === 'number' ? value.value : undefined;
      if (n === undefined) {
        this.sink.report('LVS036', valueSpan, `net.ipv4.vs.${key} takes a number; found ${describe(value)}.`);
        continue;
      }
      const problem = sysctlValueProblem(key, n);
      if (problem) {
        this.sink.report('LVS036', valueSpan, `${problem}; found ${n}.`);
        continue;
      }
      out[key] = n;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Services

  private service(map: YAMLMap.Parsed): ParsedService | undefined {
    const e = this.entries(map, 'service');
    let ok = true;
    const nameEntry = e.get('name');
    const name = nameEntry ? this.name(nameEntry, 'service name') : undefined;
    const protocolEntry = e.get('protocol');
    const fwmarkEntry = e.get('fwmark');
    const protocol = this.enumValue<Protocol>(protocolEntry, ENUMS.protocol, 'protocol');
    const fwmark = this.ranged(fwmarkEntry, 1, MAX_U32, 'LVS012', 'A firewall mark');
    if (protocolEntry && fwmarkEntry) {
      this.sink.report('LVS037', fwmarkEntry.keySpan, 'A service is either "protocol" + "vip" + "port" or "fwmark"; remove one of them.');
      ok = false;
    } else if (!protocolEntry && !fwmarkEntry) {
      this.missing(map, 'service', 'protocol', ' (tcp, udp or sctp, with "vip" and "port") or "fwmark"');
      ok = false;
    }
    if ((protocolEntry && protocol === undefined) || (fwmarkEntry && fwmark === undefined)) ok = false;
    const isFwmark = fwmarkEntry !== undefined && !protocolEntry;

    // VIP and family.
    const vipEntry = e.get('vip');
    let vip: string | undefined;
    let family: AddressFamily | undefined;
    const vipText = this.string(vipEntry);
    if (vipText !== undefined && vipEntry) {
      const a = parseAddress(vipText);
      if (!a) {
        const cidr = parseCidr(vipText);
        this.sink.report('LVS010', vipEntry.valueSpan, cidr
          ? `A VIP is one address, without a prefix: "${cidr.address}".`
          : `"${vipText}" is not an IPv4 or IPv6 address.`,
        cidr ? [replaceFix(`Change to ${cidr.address}`, this.sink.lines, vipEntry.valueSpan, cidr.address)] : undefined);
        ok = false;
      } else {
        vip = a.text;
        family = a.family;
      }
    } else if (vipEntry) ok = false;
    if (!vipEntry && !isFwmark && protocolEntry) {
      this.missing(map, 'service', 'vip', ' (the virtual IP address clients connect to)');
      ok = false;
    }
    const familyEntry = e.get('family');
    const familyValue = this.enumValue<'ipv4' | 'ipv6'>(familyEntry, ENUMS.family, 'family');
    if (familyValue !== undefined && familyEntry) {
      const f: AddressFamily = familyValue === 'ipv4' ? 'inet' : 'inet6';
      if (family !== undefined && f !== family) {
        this.sink.report('LVS037', familyEntry.valueSpan, `"family: ${familyValue}" contradicts the VIP ${vip}, which is ${familyName(family)}.`);
      } else family = f;
    }
    family ??= 'inet';

    // Persistence first: port 0 is legal for persistent services.
    const persistenceEntry = e.get('persistence');
    let persistence: ServiceSpec['persistence'];
    if (persistenceEntry) {
      if (this.isEmpty(persistenceEntry.value)) persistence = { timeout: DEFAULT_PERSISTENCE_TIMEOUT };
      else {
        const pmap = this.mapping(persistenceEntry);
        if (pmap) persistence = this.persistence(pmap, family);
      }
    }

    const portEntry = e.get('port');
    let port = 0;
    if (isFwmark) {
      const p = this.integer(portEntry);
      if (p !== undefined && p !== 0 && portEntry) {
        this.sink.report('LVS037', portEntry.keySpan, 'A fwmark service has no port (ipvsadm -f takes none): the mark selects the packets. Set ports on the real servers if NAT must rewrite them.',
          [removeFix('Remove "port"', this.text, this.sink.lines, portEntry.pairSpan)]);
      }
    } else if (protocolEntry) {
      if (!portEntry) {
        this.missing(map, 'service', 'port');
        ok = false;
      } else {
        const p = this.integer(portEntry);
        if (p === undefined) ok = false;
        else if (p < 0 || p > 65535 || (p === 0 && !persistence)) {
          this.sink.report('LVS011', portEntry.valueSpan, p === 0
            ? 'Port 0 (all ports) is only allowed for persistent services ("persistence") and fwmark services.'
            : `A port must be between 1 and 65535; found ${p}.`);
          ok = false;
        } else port = p;
      }
    }

    const scheduler = this.enumValue<Scheduler>(e.get('scheduler'), ENUMS.scheduler, 'scheduler', SCHEDULER_ALIASES) ?? DEFAULT_SCHEDULER;
    const flags = this.schedulerFlags(e.get('schedulerFlags'), scheduler);

    const peEntry = e.get('pe');
    const pe = this.enumValue<'sip'>(peEntry, ENUMS.pe, 'persistence engine');
    if (pe !== undefined && peEntry) {
      if (!persistence) {
        this.sink.report('LVS019', peEntry.valueSpan, 'The SIP persistence engine needs "persistence": it keys persistence templates by Call-ID.');
      } else if (protocol !== undefined && protocol !== 'udp') {
        this.sink.report('LVS020', peEntry.valueSpan, `The SIP persistence engine only parses UDP packets; on ${protocol} it never matches.`);
      }
    }
    const onePacketEntry = e.get('onePacket');
    const onePacket = this.boolean(onePacketEntry) ?? false;
    if (onePacket && onePacketEntry && protocol !== undefined && protocol !== 'udp') {
      this.sink.report('LVS020', onePacketEntry.valueSpan, `One-packet scheduling (-o) only applies to UDP; the kernel ignores it for ${protocol}.`,
        [replaceFix('Set onePacket to false', this.sink.lines, onePacketEntry.valueSpan, 'false')]);
    }

    const spec: ServiceSpec = {
      range: this.sink.lines.range(map.range[0], map.range[1]),
      family, port, scheduler, schedulerFlags: flags, onePacket, realServers: [],
    };
    if (name !== undefined) spec.name = name;
    if (isFwmark && fwmark !== undefined) spec.fwmark = fwmark;
    else if (protocol !== undefined) spec.protocol = protocol;
    if (vip !== undefined) spec.vip = vip;
    if (persistence) spec.persistence = persistence;
    if (pe !== undefined) spec.pe = pe;

    const realServers: ParsedRealServer[] = [];
    for (const item of this.itemMaps(e.get('realServers'), 'realServer')) {
      const rs = this.realServer(item, spec);
      if (rs) realServers.push(rs);
    }
    if (!ok) return undefined;
    const identity = vipEntry ? vipEntry.valueSpan : fwmarkEntry ? fwmarkEntry.valueSpan : this.headSpan(map);
    const parsed: ParsedService = { spec, item: spanOf(map), identity, realServers };
    if (vipEntry) parsed.vip = vipEntry.valueSpan;
    return parsed;
  }

  private schedulerFlags(entry: Entry | undefined, scheduler: Scheduler): SchedFlag[] {
    const items = this.list(entry);
    if (!items || !entry) return [];
    const set = new Set<SchedFlag>();
    for (const node of items) {
      const e = itemEntry('schedulerFlags', node, node);
      const flag = this.enumValue<SchedFlag>(e, ENUMS.schedulerFlag, 'scheduler flag');
      if (flag === undefined) continue;
      const prefix = flag.slice(0, 3);
      let problem: string | undefined;
      if (prefix === 'sh-' && scheduler !== 'sh') problem = `"${flag}" only applies to the sh scheduler; ${scheduler} ignores it.`;
      else if (prefix === 'mh-' && scheduler !== 'mh') problem = `"${flag}" only applies to the mh scheduler; ${scheduler} ignores it.`;
      else if (flag === 'flag-3') problem = 'No scheduler of the kernel uses flag-3.';
      else if ((flag === 'flag-1' || flag === 'flag-2') && scheduler !== 'sh' && scheduler !== 'mh') {
        problem = `${flag} is only read by the sh and mh schedulers; ${scheduler} ignores it.`;
      }
      if (problem) this.sink.report('LVS015', spanOf(node), problem);
      set.add(flag);
    }
    return SCHED_FLAGS.filter((f) => set.has(f));
  }

  private persistence(map: YAMLMap.Parsed, family: AddressFamily): ServiceSpec['persistence'] {
    const e = this.entries(map, 'persistence');
    const timeout = this.ranged(e.get('timeout'), 1, MAX_PERSISTENCE_TIMEOUT, 'LVS016', 'A persistence timeout (seconds)') ?? DEFAULT_PERSISTENCE_TIMEOUT;
    const out: { timeout: number; netmask?: string } = { timeout };
    const nm = e.get('netmask');
    if (nm && nm.value !== null && isScalar(nm.value)) {
      const v = nm.value.value;
      if (family === 'inet') {
        if (typeof v === 'string' && ipv4NetmaskPrefix(v) !== undefined) out.netmask = v;
        else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 32) {
          const dotted = ipv4PrefixNetmask(v);
          this.sink.report('LVS018', nm.valueSpan, `An IPv4 persistence netmask is written dotted: /${v} is ${dotted}.`,
            [replaceFix(`Change to ${dotted}`, this.sink.lines, nm.valueSpan, dotted)]);
        } else {
          this.sink.report('LVS018', nm.valueSpan, `"${String(v)}" is not a contiguous IPv4 netmask like 255.255.255.0.`);
        }
      } else {
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : NaN;
        if (Number.isInteger(n) && n >= 0 && n <= 128) out.netmask = String(n);
        else this.sink.report('LVS018', nm.valueSpan, `An IPv6 persistence netmask is a prefix length from 0 to 128; found "${String(v)}".`);
      }
    } else if (nm) this.wrongType(nm, family === 'inet' ? 'a netmask like 255.255.255.0' : 'a prefix length from 0 to 128');
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Real servers

  private realServer(map: YAMLMap.Parsed, service: ServiceSpec): ParsedRealServer | undefined {
    const e = this.entries(map, 'realServer');
    const hostEntry = e.get('host');
    const addressEntry = e.get('address');
    let ok = true;
    let host: string | undefined;
    let address = '';
    let family = service.family;
    if (hostEntry && addressEntry) {
      this.sink.report('LVS037', addressEntry.keySpan, 'A real server is either "host" (a host of this file) or "address"; remove one of them.');
      ok = false;
    } else if (!hostEntry && !addressEntry) {
      this.missing(map, 'realServer', 'host', ' (a host of this file) or "address"');
      ok = false;
    } else if (hostEntry) {
      host = this.name(hostEntry, 'host name');
      if (host === undefined) ok = false;
    } else if (addressEntry) {
      const text = this.string(addressEntry);
      const a = text === undefined ? undefined : this.cachedAddress(text);
      if (text !== undefined && !a) {
        this.sink.report('LVS010', addressEntry.valueSpan, `"${text}" is not an IPv4 or IPv6 address.`);
      }
      if (!a) ok = false;
      else {
        address = a.text;
        family = a.family;
      }
    }
    const isFwmark = service.fwmark !== undefined;
    const method = this.enumValue<ForwardingMethod>(e.get('method'), ENUMS.method, 'forwarding method') ?? 'dr';
    const portEntry = e.get('port');
    let port = service.port;
    const p = this.ranged(portEntry, isFwmark ? 0 : 1, 65535, 'LVS011', isFwmark ? 'A real server port of a fwmark service' : 'A port');
    if (p !== undefined && portEntry) {
      if ((method === 'dr' || method === 'tun') && !isFwmark && p !== service.port) {
        this.sink.report('LVS021', portEntry.valueSpan,
          `With ${method.toUpperCase()} the packet reaches the real server unchanged, so ipvsadm forces the port to the service's port ${service.port}; ${p} is ignored. Use NAT to map ports.`,
          [replaceFix(`Set the port to ${service.port}`, this.sink.lines, portEntry.valueSpan, String(service.port))]);
      } else port = p;
    }
    const weight = this.ranged(e.get('weight'), 0, 65535, 'LVS016', 'A weight') ?? 1;
    const upper = this.ranged(e.get('upperThreshold'), 0, INT_MAX, 'LVS016', 'A connection threshold') ?? 0;
    const lowerEntry = e.get('lowerThreshold');
    let lower = this.ranged(lowerEntry, 0, INT_MAX, 'LVS016', 'A connection threshold') ?? 0;
    if (lower > upper && lowerEntry) {
      this.sink.report('LVS017', lowerEntry.valueSpan, upper === 0
        ? `The kernel rejects a lower threshold (${lower}) above the upper one, even when the upper is 0 (unlimited). Set upperThreshold above ${lower}, or remove lowerThreshold.`
        : `The lower threshold (${lower}) is above the upper threshold (${upper}); the kernel rejects it.`);
      lower = 0;
    }
    const tunnelEntry = e.get('tunnel');
    let tunnel: TunnelSpec | undefined;
    if (tunnelEntry) {
      const tmap = this.mapping(tunnelEntry);
      if (tmap) {
        tunnel = this.tunnel(tmap);
        if (method !== 'tun') {
          this.sink.report('LVS022', tunnelEntry.keySpan, `Tunnel options only apply to "method: tun"; this real server uses ${method}.`,
            [removeFix('Remove the tunnel options', this.text, this.sink.lines, tunnelEntry.pairSpan)]);
          tunnel = undefined;
        }
      }
    }
    if (!ok) return undefined;
    const spec: RealServerSpec = {
      range: this.sink.lines.range(map.range[0], map.range[1]),
      address, family, port, method, weight, upperThreshold: upper, lowerThreshold: lower,
    };
    if (host !== undefined) spec.host = host;
    if (tunnel) spec.tunnel = tunnel;
    const target = (hostEntry ?? addressEntry) as Entry;
    return { spec, item: spanOf(map), target: target.valueSpan };
  }

  private tunnel(map: YAMLMap.Parsed): TunnelSpec {
    const e = this.entries(map, 'tunnel');
    const type = this.enumValue<TunnelType>(e.get('type'), ENUMS.tunnelType, 'tunnel type') ?? 'ipip';
    const out: TunnelSpec = { type };
    const portEntry = e.get('port');
    const port = this.ranged(portEntry, 1, 65535, 'LVS011', 'A tunnel port');
    if (type === 'gue') {
      if (!portEntry) this.sink.report('LVS022', this.headSpan(map), 'A GUE tunnel needs "port" (the real server\'s GUE UDP port).');
      else if (port !== undefined) out.port = port;
    } else if (portEntry) {
      this.sink.report('LVS022', portEntry.keySpan, `Only GUE tunnels have a port; ${type} has none.`,
        [removeFix('Remove "port"', this.text, this.sink.lines, portEntry.pairSpan)]);
    }
    const csEntry = e.get('checksum');
    const checksum = this.enumValue<TunnelChecksum>(csEntry, ENUMS.tunnelChecksum, 'tunnel checksum');
    if (checksum !== undefined && csEntry) {
      if (type === 'ipip') this.sink.report('LVS022', csEntry.keySpan, 'IPIP tunnels have no checksum option (only GUE and GRE).');
      else if (type === 'gre' && checksum === 'remcsum') this.sink.report('LVS022', csEntry.valueSpan, 'Remote checksum offload (remcsum) is GUE only; GRE takes nocsum or csum.');
      else out.checksum = checksum;
    }
    return out;
  }
}
