/** The cluster's IPVS sysctls (net.ipv4.vs.*): which differ on the director, and the one exec that sets them. */

import type { RemoteCommand } from '../ssh/remoteCommand';

export interface SysctlChange {
  name: string;
  from?: number;
  to: number;
}

/** Only the sysctls whose live value differs (or is unknown, e.g. ip_vs not loaded yet). */
export function sysctlChanges(want: Readonly<Record<string, number>>, live: Readonly<Record<string, number>>): SysctlChange[] {
  const out: SysctlChange[] = [];
  for (const name of Object.keys(want).sort()) {
    const to = want[name];
    const from = live[name];
    if (from === to) continue;
    out.push(from === undefined ? { name, to } : { name, from, to });
  }
  return out;
}

/** `sysctl -w net.ipv4.vs.a=1 net.ipv4.vs.b=2` (one exec); the reverse changes restore the old values. */
export function sysctlCommand(changes: readonly SysctlChange[]): RemoteCommand<void> {
  return {
    argv: ['sysctl', '-q', '-w', ...changes.map((c) => `net.ipv4.vs.${c.name}=${c.to}`)],
    timeoutMs: 30_000,
    parse: () => undefined,
  };
}

export function reverseChanges(changes: readonly SysctlChange[]): SysctlChange[] {
  return changes.filter((c) => c.from !== undefined).map((c) => ({ name: c.name, from: c.to, to: c.from as number }));
}
