/** The commands of a rules line that touch no service: --set (connection timeouts) and the sync daemon. */

import { parseIPv4, parseIPv6 } from './address';
import type { IpvsCommand } from './ipvsCommand';
import type { RuleLineContext } from './rulesLineContext';
import { MAX_TIMEOUT, parseUint } from './rulesLineContext';
import type { RuleSwitch } from './rulesLexer';
import type { OptionGroup } from './rulesSyntax';

export function setCommand(c: RuleLineContext): IpvsCommand | undefined {
  const pos = c.line.positionals;
  const cmd = c.line.command as RuleSwitch<unknown>;
  if (pos.length !== 3) {
    c.report(pos.length > 3 ? pos[3].range : cmd.token.range, 'IPVSADM006', '--set needs exactly three timeouts in seconds: tcp tcpfin udp.');
    return undefined;
  }
  const values = pos.map((t) => {
    const n = parseUint(t.text);
    if (n === undefined || n > MAX_TIMEOUT) c.report(t.range, 'IPVSADM037', `Invalid timeout '${t.text}': seconds 0…${MAX_TIMEOUT} (0 keeps the current value).`);
    return n ?? 0;
  });
  return { kind: 'set-timeout', tcp: values[0], tcpFin: values[1], udp: values[2] };
}

export function daemonCommand(c: RuleLineContext, id: 'start-daemon' | 'stop-daemon'): IpvsCommand | undefined {
  const cmd = c.line.command as RuleSwitch<unknown>;
  const state = cmd.arg?.text;
  if (cmd.arg && state !== 'master' && state !== 'backup') {
    c.report(cmd.arg.range, 'IPVSADM037', `Invalid sync daemon state '${state}': master or backup.`);
  }
  const ranges: [OptionGroup, number, number][] = [['syncid', 0, 255], ['mcast-port', 1, 65535], ['mcast-ttl', 1, 255], ['sync-maxlen', 1, 65535]];
  for (const [g, min, max] of ranges) {
    const o = c.group(g);
    if (!o?.arg) continue;
    const n = parseUint(o.arg.text);
    if (n === undefined || n < min || n > max) c.report(o.arg.range, 'IPVSADM037', `Invalid --${g} '${o.arg.text}': ${min}…${max}.`);
  }
  const grp = c.group('mcast-group');
  if (grp?.arg && !parseIPv4(grp.arg.text) && !parseIPv6(grp.arg.text)) {
    c.report(grp.arg.range, 'IPVSADM037', `Invalid --mcast-group '${grp.arg.text}': an IPv4 or IPv6 multicast address.`);
  }
  return state === 'master' || state === 'backup' ? { kind: id, state } : undefined;
}