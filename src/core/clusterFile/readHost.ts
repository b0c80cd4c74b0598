/** Reads a host of the cluster file: its name, addresses (with prefixes), interface and ssh settings. */

import { isScalar, type YAMLMap } from 'yaml';
import { parseAddress, parseCidr } from '../ipvs/address';
import { describe, spanOf, type Entry, type EntryReader, type YNode } from './entryReader';
import { ENUMS } from './formatKeys';
import type { ParsedHost } from './parsedFile';
import type { Span } from './quickFixes';
import { isOwnSshPath, isProxyJump, isSafePath, isSshHost, isUserName } from './stringRules';
import type { HostSpec, SshSettings, StrictHostKeyChecking } from './types';

export function readHost(r: EntryReader, map: YAMLMap.Parsed): ParsedHost | undefined {
  const e = r.entries(map, 'host');
  const nameEntry = e.get('name');
  if (!nameEntry) r.missing(map, 'host', 'name');
  const name = r.name(nameEntry, 'host name');
  const spec: HostSpec = { range: r.sink.lines.range(map.range[0], map.range[1]), name: name ?? '', addresses: [], ssh: {} };
  const address = e.get('address');
  const addresses = e.get('addresses');
  if (address && addresses) {
    r.sink.report('LVS037', addresses.keySpan, 'Use either "address" or "addresses", not both.');
  }
  const addressNodes: Array<{ node: YNode; span: Span; entry: Entry }> = [];
  if (address) addressNodes.push({ node: address.value as YNode, span: address.valueSpan, entry: address });
  else if (addresses) {
    for (const item of r.list(addresses) ?? []) addressNodes.push({ node: item, span: spanOf(item), entry: addresses });
  }
  for (const { node, span, entry } of addressNodes) {
    if (!isScalar(node) || typeof node.value !== 'string') {
      r.sink.report('LVS006', span, `"${entry.key}" must be an IP address (optionally with a prefix, like 192.168.116.3/24); found ${describe(node)}.`);
      continue;
    }
    const text = node.value;
    const cidr = text.includes('/') ? parseCidr(text) : undefined;
    const plain = cidr ? { family: cidr.family, text: cidr.address } : parseAddress(text);
    if (!plain) {
      r.sink.report('LVS010', span, `"${text}" is not an IPv4 or IPv6 address (or address/prefix like 192.168.116.3/24).`);
      continue;
    }
    if (!spec.addresses.includes(plain.text)) spec.addresses.push(plain.text);
    if (cidr) (spec.prefixLengths ??= {})[cidr.address] = cidr.prefix;
  }
  const iface = r.interfaceName(e.get('interface'));
  if (iface !== undefined) spec.interface = iface;
  let proxyJump: ParsedHost['proxyJump'];
  const sshMap = r.mapping(e.get('ssh'));
  if (sshMap) {
    const ssh = readSsh(r, sshMap);
    spec.ssh = ssh.settings;
    proxyJump = ssh.proxyJump;
  }
  if (name === undefined) return undefined;
  const parsed: ParsedHost = { spec, item: spanOf(map), name: nameEntry ? nameEntry.valueSpan : r.headSpan(map) };
  if (proxyJump) parsed.proxyJump = proxyJump;
  return parsed;
}

function readSsh(r: EntryReader, map: YAMLMap.Parsed): { settings: SshSettings; proxyJump?: { value: string; span: Span } } {
  const e = r.entries(map, 'ssh');
  const settings: SshSettings = {};
  const host = r.safe(e.get('host'), isSshHost, 'an IP address, DNS name or ssh config alias');
  if (host !== undefined) settings.host = host;
  const port = r.ranged(e.get('port'), 1, 65535, 'LVS011', 'An ssh port');
  if (port !== undefined) settings.port = port;
  const user = r.safe(e.get('user'), isUserName, 'a valid user name (letters, digits, ".", "_", "-", at most 32)');
  if (user !== undefined) settings.user = user;
  const pathRule = 'a safe path (letters, digits, "._@+-/", optionally starting with ~/ or /; no spaces, no ".." component)';
  const identityFile = r.safe(e.get('identityFile'), isSafePath, pathRule);
  if (identityFile !== undefined) settings.identityFile = identityFile;
  const khEntry = e.get('knownHostsFile');
  const knownHostsFile = r.safe(khEntry, isSafePath, pathRule);
  if (knownHostsFile !== undefined && khEntry) {
    settings.knownHostsFile = knownHostsFile;
    if (!isOwnSshPath(knownHostsFile)) {
      r.sink.report('LVS042', khEntry.valueSpan, knownHostsFile === '/dev/null'
        ? 'knownHostsFile /dev/null: no host key is ever known, so every connection depends on strictHostKeyChecking alone (with "no", anyone on the path can pose as the host).'
        : `knownHostsFile ${knownHostsFile} is outside your home directory: host keys are then checked against a file this cluster file chose, which may list a key of someone else's machine. Use a file under ~/ (a relative path is read under ~/.ssh).`);
    }
  }
  const shkEntry = e.get('strictHostKeyChecking');
  const shk = r.enumValue<StrictHostKeyChecking>(shkEntry, ENUMS.strictHostKeyChecking, 'strictHostKeyChecking value');
  if (shk !== undefined && shkEntry) {
    settings.strictHostKeyChecking = shk;
    if (shk === 'no') {
      r.sink.report('LVS041', shkEntry.valueSpan, 'strictHostKeyChecking no: an unknown host key is accepted without asking, so anyone on the network path can pose as this host and receive its commands (and a sudo password). Such a key is never stored. Use "ask" or "yes".');
    } else if (shk === 'accept-new') {
      r.sink.report('LVS041', shkEntry.valueSpan, 'strictHostKeyChecking accept-new: the first key a host shows is trusted and stored without asking; whoever answers first (on a new or renamed host) is believed. Use "ask" or "yes" where the first connection is not on a network you trust.');
    }
  }
  const pjEntry = e.get('proxyJump');
  const proxyJump = r.safe(pjEntry, isProxyJump, 'a valid proxyJump ([user@]host[:port], comma-separated hops)');
  let pj: { value: string; span: Span } | undefined;
  if (proxyJump !== undefined && pjEntry) {
    settings.proxyJump = proxyJump;
    pj = { value: proxyJump, span: pjEntry.valueSpan };
  }
  const sudo = r.boolean(e.get('sudo'));
  if (sudo !== undefined) settings.sudo = sudo;
  return pj ? { settings, proxyJump: pj } : { settings };
}