/**
 * The real server commands of a rules line (-a, -e, -d): address and port with the DR/TUN port rule,
 * forwarding method, weight, thresholds, tunnel options, address families, and what -e would silently reset.
 */

import type { IpvsCommand, RealServerRef } from './ipvsCommand';
import { ruleEndpoint } from './rulesEndpoint';
import type { RuleLineContext } from './rulesLineContext';
import { parseUint } from './rulesLineContext';
import type { RuleSwitch } from './rulesLexer';
import type { OptionGroup, OptionId, OptionSpec } from './rulesSyntax';
import type { ForwardingMethod, IpvsRealServer, Protocol, ServiceKey, TunnelChecksum, TunnelType } from './types';

const INT_MAX = 2147483647;
const FWD: Readonly<Partial<Record<OptionId, ForwardingMethod>>> = { gatewaying: 'dr', masquerading: 'nat', ipip: 'tun' };
const FWD_SWITCH: Readonly<Record<ForwardingMethod, string>> = { dr: '-g', nat: '-m', tun: '-i' };
const FWD_NAME: Readonly<Record<ForwardingMethod, string>> = { dr: 'direct routing (-g)', nat: 'NAT (-m)', tun: 'tunneling (-i)' };

export function serverCommand(c: RuleLineContext, id: 'add-server' | 'edit-server' | 'delete-server', key: ServiceKey): IpvsCommand | undefined {
  const r = c.group('real-server');
  const protocol: Protocol = key.kind === 'addr' ? key.protocol : 'tcp';
  const ep = r?.arg ? ruleEndpoint(c, r.arg, protocol, 'real server address') : undefined;
  const svcPort = key.kind === 'addr' ? key.port : 0;
  if (id === 'delete-server') {
    return ep ? { kind: 'delete-server', key, server: { address: ep.address, port: ep.port ?? svcPort, family: ep.family } } : undefined;
  }
  const fwd = c.group('forwarding-method');
  const method: ForwardingMethod = fwd ? (FWD[fwd.spec.id] as ForwardingMethod) : 'dr';
  let weight = 1;
  const w = c.group('weight');
  if (w?.arg) {
    const n = parseUint(w.arg.text);
    if (n === undefined || n > 65535) c.report(w.arg.range, 'IPVSADM019', `Invalid weight '${w.arg.text}': 0…65535 (0 quiesces the server).`);
    else weight = n;
  }
  const threshold = (g: OptionGroup): number => {
    const o = c.group(g);
    if (!o?.arg) return 0;
    const n = parseUint(o.arg.text);
    if (n === undefined || n > INT_MAX) {
      c.report(o.arg.range, 'IPVSADM020', `Invalid connection threshold '${o.arg.text}': 0…${INT_MAX} (0 = no limit).`);
      return 0;
    }
    return n;
  };
  const upper = threshold('u-threshold');
  const lower = threshold('l-threshold');
  if (lower > upper) {
    const y = c.group('l-threshold') as RuleSwitch<OptionSpec>;
    c.report((y.arg ?? y.token).range, 'IPVSADM020',
      `Lower threshold ${lower} is above the upper threshold ${upper}${upper === 0 ? ' (no -x: 0)' : ''}: the kernel refuses it ("Numerical result out of range"). Set -x above -y.`);
  }
  const tunnel = tunnelSettings(c, method);
  if (!ep) return undefined;
  if (ep.family !== key.family && method !== 'tun' && r?.arg) {
    c.report(r.arg.range, 'IPVSADM031',
      `${ep.family === 'inet' ? 'IPv4' : 'IPv6'} real server on an ${key.family === 'inet' ? 'IPv4' : 'IPv6'} service: only tunneling (-i) crosses address families; ipvsadm refuses it with ${FWD_NAME[method]} ("Different address family is allowed only for tunneling servers").`);
  }
  let port = ep.port ?? svcPort;
  if (key.kind === 'addr' && method !== 'nat') {
    if (ep.port !== undefined && ep.port !== svcPort && r?.arg) {
      const newText = `${ep.hostText}:${svcPort}`;
      c.report(r.arg.range, 'IPVSADM030',
        `With ${FWD_NAME[method]} the real server receives the packets on the service port ${svcPort}: ipvsadm silently replaces :${ep.port} by :${svcPort}. Use -m (NAT) to map ports.`,
        [{ title: `Change to ${newText}`, edits: [{ range: r.arg.range, newText }], preferred: true }]);
    }
    port = svcPort;
  }
  const server: IpvsRealServer = { address: ep.address, port, family: ep.family, method, weight, upperThreshold: upper, lowerThreshold: lower };
  if (tunnel) server.tunnel = tunnel;
  if (id === 'edit-server') checkServerReset(c, key, server);
  return { kind: id, key, server };
}

function tunnelSettings(c: RuleLineContext, method: ForwardingMethod): IpvsRealServer['tunnel'] {
  const tunIds: OptionId[] = ['tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];
  const present = c.line.options.filter((o) => tunIds.includes(o.spec.id));
  if (method !== 'tun') {
    if (present.length > 0) {
      c.report(present[0].token.range, 'IPVSADM032', `${present[0].token.text} needs the tunneling method -i; ipvsadm refuses it with ${FWD_NAME[method]} ("Tunnel options conflict with forward method").`);
    }
    return undefined;
  }
  let type: TunnelType = 'ipip';
  const tt = c.group('tun-type');
  if (tt?.arg) {
    if (tt.arg.text === 'ipip' || tt.arg.text === 'gue' || tt.arg.text === 'gre') type = tt.arg.text;
    else c.report(tt.arg.range, 'IPVSADM034', `Invalid tunnel type '${tt.arg.text}': ipip, gue or gre.`);
  }
  let port: number | undefined;
  const tp = c.group('tun-port');
  if (tp?.arg) {
    const n = parseUint(tp.arg.text);
    if (n === undefined || n < 1 || n > 65535) c.report(tp.arg.range, 'IPVSADM034', `Invalid tunnel port '${tp.arg.text}': 1…65535.`);
    else port = n;
  }
  const csums = present.filter((o) => o.spec.id !== 'tun-type' && o.spec.id !== 'tun-port');
  if (type === 'ipip') {
    for (const o of present) {
      if (o.spec.id !== 'tun-type') c.report(o.token.range, 'IPVSADM033', `${o.token.text} does not apply to ipip tunnels: use --tun-type gue${o.spec.id === 'tun-port' ? '' : ' or gre'}.`);
    }
  } else {
    if (type === 'gre' && tp) c.report(tp.token.range, 'IPVSADM033', '--tun-port applies to GUE tunnels only; GRE has no port.');
    if (type === 'gue' && !tp && tt) c.report(tt.token.range, 'IPVSADM033', "A GUE tunnel needs --tun-port (the real server's GUE UDP port).");
    for (let i = 1; i < csums.length; i++) {
      c.report(csums[i].token.range, 'IPVSADM033', `${csums[i].token.text} conflicts with ${csums[0].token.text}: choose one checksum mode.`);
    }
  }
  const checksum = (csums[0]?.spec.id.slice(4) ?? 'nocsum') as TunnelChecksum;
  if (type === 'ipip') return { type };
  if (type === 'gre') return { type, checksum };
  return port === undefined ? { type, checksum } : { type, port, checksum };
}

function checkServerReset(c: RuleLineContext, key: ServiceKey, server: IpvsRealServer): void {
  const ref: RealServerRef = { address: server.address, port: server.port, family: server.family };
  const cur = c.machine.realServer(key, ref);
  if (!cur) return;
  const resets: string[] = [];
  let keep = '';
  if (!c.group('forwarding-method') && cur.method !== server.method) {
    resets.push(`forwarding ${FWD_NAME[cur.method]} → ${FWD_NAME[server.method]}`);
    keep += ` ${FWD_SWITCH[cur.method]}`;
  }
  if (!c.group('weight') && cur.weight !== server.weight) {
    resets.push(`weight ${cur.weight} → ${server.weight}`);
    keep += ` -w ${cur.weight}`;
  }
  if (!c.group('u-threshold') && cur.upperThreshold !== 0) {
    resets.push(`upper threshold ${cur.upperThreshold} → 0`);
    keep += ` -x ${cur.upperThreshold}`;
  }
  if (!c.group('l-threshold') && cur.lowerThreshold !== 0) {
    resets.push(`lower threshold ${cur.lowerThreshold} → 0`);
    keep += ` -y ${cur.lowerThreshold}`;
  }
  const curTun = cur.method === 'tun' ? cur.tunnel ?? { type: 'ipip' as const } : undefined;
  const keepsTun = server.method === 'tun' || !c.group('forwarding-method');
  if (curTun && curTun.type !== 'ipip' && keepsTun && !c.group('tun-type')) {
    resets.push(`tunnel ${curTun.type} → ipip`);
    keep += ` --tun-type ${curTun.type}${curTun.type === 'gue' ? ` --tun-port ${curTun.port ?? 0}` : ''} --tun-${curTun.checksum ?? 'nocsum'}`;
  }
  if (resets.length === 0) return;
  const cmd = c.line.command as RuleSwitch<unknown>;
  c.report(cmd.token.range, 'IPVSADM029',
    `-e replaces the whole real server definition; what this line leaves out is reset to the default: ${resets.join(', ')}. Repeat the settings you want to keep.`,
    [c.insertAtEnd('Keep the current settings', keep)]);
}