/**
 * Files that make a preparation survive a reboot: sysctl.d, modules-load.d, and what restores the VIPs and
 * tunnel links (a systemd oneshot unit, else an ifupdown if-up.d hook). Pure text builders.
 */
import type { HostRequirements } from './hostRequirements';
import { sysctlArgName } from './sysctlNames';

export type InitSystem = 'systemd' | 'ifupdown' | 'none';

export const SYSCTL_FILE = '/etc/sysctl.d/90-lvs.conf';
export const MODULES_FILE = '/etc/modules-load.d/lvs.conf';
export const SYSTEMD_UNIT = '/etc/systemd/system/lvs-vips.service';
export const SYSTEMD_WANTS = '/etc/systemd/system/multi-user.target.wants/lvs-vips.service';
export const IFUP_HOOK = '/etc/network/if-up.d/lvs-vips';
export const DEFAULT_STATE_FILE = '/var/lib/vscode-lvs/hostprep.json';

/** Every file prepare may write or link: the only paths a record of prepared changes may name. */
export const PREPARED_FILES: readonly string[] = [SYSCTL_FILE, MODULES_FILE, SYSTEMD_UNIT, SYSTEMD_WANTS, IFUP_HOOK];

const HEADER = '# Written by lvsctl prepare (vscode-lvs). Changes are overwritten; `lvsctl prepare --teardown` removes it.';

export function sysctlFileContent(req: HostRequirements): string | undefined {
  if (req.sysctls.length === 0) return undefined;
  return `${HEADER}\n${req.sysctls.map((s) => `${sysctlArgName(s.key)} = ${s.value}`).join('\n')}\n`;
}

export function modulesFileContent(req: HostRequirements): string | undefined {
  if (req.modules.length === 0) return undefined;
  return `${HEADER}\n${req.modules.map((m) => m.name).join('\n')}\n`;
}

function ipAddArgs(a: HostRequirements['addresses'][number]): string {
  const fam = a.family === 'inet6' ? '-6 ' : '';
  const label = a.label !== undefined && a.family === 'inet' ? ` label ${a.label}` : '';
  const nodad = a.nodad && a.family === 'inet6' ? ' nodad' : '';
  return `${fam}addr add ${a.address}/${a.prefix} dev ${a.dev}${label}${nodad}`;
}

/** A oneshot unit restoring links and VIPs at boot (`-` = an address already there is not a failure). */
export function systemdUnitContent(req: HostRequirements): string | undefined {
  if (req.addresses.length === 0 && req.linksUp.length === 0) return undefined;
  return [
    HEADER.replace(/^# /, '# '),
    '[Unit]',
    'Description=LVS VIPs and tunnel links (vscode-lvs)',
    'After=network-online.target systemd-modules-load.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    ...req.linksUp.map((l) => `ExecStart=-/sbin/ip link set dev ${l.dev} up`),
    ...req.addresses.map((a) => `ExecStart=-/sbin/ip ${ipAddArgs(a)}`),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** ifupdown runs every if-up.d script with $IFACE for each interface it brings up (lo included). */
export function ifupHookContent(req: HostRequirements): string | undefined {
  if (req.addresses.length === 0 && req.linksUp.length === 0) return undefined;
  const byDev = new Map<string, string[]>();
  for (const a of req.addresses) byDev.set(a.dev, [...(byDev.get(a.dev) ?? []), `ip ${ipAddArgs(a)} 2>/dev/null || true`]);
  const lines = ['#!/bin/sh', HEADER, '# Restores the LVS VIPs and tunnel links when their interface comes up.'];
  // Tunnel devices are not ifupdown interfaces: bring them up with lo (the first to come up).
  const tunnels = req.linksUp.map((l) => l.dev);
  lines.push('case "$IFACE" in');
  const devs = new Set([...byDev.keys(), ...(tunnels.length ? ['lo'] : [])]);
  for (const dev of devs) {
    if (tunnels.includes(dev)) continue;
    const cmds = [...(dev === 'lo' ? tunnels.flatMap((t) => [`ip link set dev ${t} up 2>/dev/null || true`, ...(byDev.get(t) ?? [])]) : []), ...(byDev.get(dev) ?? [])];
    lines.push(`  ${dev})`, ...cmds.map((c) => `    ${c}`), '    ;;');
  }
  lines.push('esac', 'exit 0', '');
  return lines.join('\n');
}

export interface PersistFile {
  path: string;
  content: string;
  mode: string;
  why: string;
}

/** The files to write for `init`, with their content. */
export function persistenceFiles(req: HostRequirements, init: InitSystem): PersistFile[] {
  const out: PersistFile[] = [];
  const sysctl = sysctlFileContent(req);
  if (sysctl) out.push({ path: SYSCTL_FILE, content: sysctl, mode: '0644', why: 'sysctls are reapplied at boot (systemd-sysctl or procps)' });
  const modules = modulesFileContent(req);
  if (modules) out.push({ path: MODULES_FILE, content: modules, mode: '0644', why: 'modules are loaded at boot (before the sysctls that need them)' });
  if (init === 'systemd') {
    const unit = systemdUnitContent(req);
    if (unit) out.push({ path: SYSTEMD_UNIT, content: unit, mode: '0644', why: 'restores the VIPs and tunnel links at boot' });
  } else if (init === 'ifupdown') {
    const hook = ifupHookContent(req);
    if (hook) out.push({ path: IFUP_HOOK, content: hook, mode: '0755', why: 'restores the VIPs and tunnel links when their interface comes up' });
  }
  return out;
}
