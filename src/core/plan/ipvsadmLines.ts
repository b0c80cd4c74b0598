/**
 * IpvsCommands as `ipvsadm -R` input lines. Unlike `ipvsadm -S` (rulesRenderer.ts), every line is
 * complete: `-E` carries every service setting and `-a`/`-e` carry weight and both thresholds (`-x`,
 * `-y`), because ipvsadm fills any field a line leaves out with its default — an `-e` without `-x`
 * would silently reset the upper threshold to 0.
 */

import type { IpvsCommand, IpvsServiceSettings, RealServerRef } from '../ipvs/ipvsCommand';
import { sortRealServers, sortServices } from '../ipvs/ipvsOrder';
import { FORWARDING_SWITCH, serviceOptionsText, serviceSwitch, tunnelOptionsText } from '../ipvs/rulesRenderer';
import type { IpvsRealServer, IpvsTable } from '../ipvs/types';

function hostPort(rs: RealServerRef): string {
  return rs.family === 'inet6' ? `[${rs.address}]:${rs.port}` : `${rs.address}:${rs.port}`;
}

function serverOptions(rs: IpvsRealServer): string {
  return ` -r ${hostPort(rs)} ${FORWARDING_SWITCH[rs.method]} -w ${rs.weight} -x ${rs.upperThreshold} -y ${rs.lowerThreshold}${tunnelOptionsText(rs)}`;
}

/** The `ipvsadm -R` line of a table-changing command. */
export function ipvsadmLine(cmd: IpvsCommand): string {
  switch (cmd.kind) {
    case 'add-service': return `-A ${serviceSwitch(cmd.service.key)}${serviceOptionsText(cmd.service)}`;
    case 'edit-service': return `-E ${serviceSwitch(cmd.service.key)}${serviceOptionsText(cmd.service)}`;
    case 'delete-service': return `-D ${serviceSwitch(cmd.key)}`;
    case 'add-server': return `-a ${serviceSwitch(cmd.key)}${serverOptions(cmd.server)}`;
    case 'edit-server': return `-e ${serviceSwitch(cmd.key)}${serverOptions(cmd.server)}`;
    case 'delete-server': return `-d ${serviceSwitch(cmd.key)} -r ${hostPort(cmd.server)}`;
    case 'flush': return '-C';
    case 'zero': return cmd.key ? `-Z ${serviceSwitch(cmd.key)}` : '-Z';
    case 'set-timeout': return `--set ${cmd.tcp} ${cmd.tcpFin} ${cmd.udp}`;
    case 'start-daemon': return `--start-daemon ${cmd.state}`;
    case 'stop-daemon': return `--stop-daemon ${cmd.state}`;
  }
}

/** The service settings of a service (everything `-A`/`-E` sends). */
export function serviceSettings(s: IpvsServiceSettings): IpvsServiceSettings {
  const out: IpvsServiceSettings = { key: s.key, scheduler: s.scheduler, schedFlags: [...s.schedFlags], onePacket: s.onePacket };
  if (s.persistence) out.persistence = { ...s.persistence };
  if (s.pe) out.pe = s.pe;
  return out;
}

/** A whole table as complete `-A`/`-a` lines (thresholds included), in ipvsadm's order: a rules file for boot. */
export function tableLines(table: IpvsTable): string[] {
  const out: string[] = [];
  for (const s of sortServices(table.services)) {
    out.push(ipvsadmLine({ kind: 'add-service', service: serviceSettings(s) }));
    for (const rs of sortRealServers(s.realServers)) out.push(ipvsadmLine({ kind: 'add-server', key: s.key, server: rs }));
  }
  return out;
}

/** `tableLines` as file text (newline after every line; empty for an empty table). */
export function tableRulesText(table: IpvsTable): string {
  const lines = tableLines(table);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
