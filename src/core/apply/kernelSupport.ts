/**
 * What the director's kernel can do, read with the live state (liveState.ts, same exec): its release and
 * the IPVS modules it has. A service needing something the kernel lacks (a scheduler module such as `twos`,
 * added in Linux 6.2; GUE/GRE tunnels and their checksum options, Linux 5.2; the `mh` scheduler's flags;
 * IPv6 or SCTP support when the kernel's config is readable) is reported before anything is sent, naming the
 * kernel and the module. When the director did not say (no module directory), nothing is claimed.
 */
import type { IpvsService, IpvsTable } from '../ipvs/types';
import { serviceKeyString } from '../ipvs/types';
import type { RemoteCommand } from '../ssh/remoteCommand';

/**
 * Prints `release R`, `module M` per file of the kernel's ipvs directory, and grep's `FILE:LINE` for the
 * built-in IPVS modules (modules.builtin) and `CONFIG_IP_VS…=v` (/boot's config, when readable). Builtins
 * and ONE grep (no uname, no sed): part of the live-state exec, where every process costs.
 */
export const KERNEL_SCRIPT = [
  'k=; read -r k < /proc/sys/kernel/osrelease; echo "release $k"',
  'for x in /lib/modules/"$k"/kernel/net/netfilter/ipvs/*; do [ -e "$x" ] && echo "module ${x##*/}"; done',
  'grep -H -e /ipvs/ -e ^CONFIG_IP_VS /lib/modules/"$k"/modules.builtin /boot/config-"$k" 2>/dev/null',
].join('; ');

/** The kernel facts alone (the doctor's read; apply and plan get them with the live state). */
export function kernelInfoCommand(): RemoteCommand<KernelInfo> {
  return { argv: ['sh', '-c', `${KERNEL_SCRIPT}; exit 0`], timeoutMs: 30_000, parse: (o) => parseKernelInfo(o.stdout) };
}

export interface KernelInfo {
  /** `uname -r`. */
  release: string;
  /** IPVS module names without `.ko*` (`ip_vs_rr`, …), files and built-ins together. */
  modules: Set<string>;
  /** `CONFIG_IP_VS*` → value, when /boot/config-<release> was readable. */
  config: Map<string, string>;
}

export interface KernelProblem {
  service: string;
  /** Stable code: `kernel-scheduler`, `kernel-tunnel`, `kernel-ipv6`, `kernel-sctp`, `kernel-pe`. */
  code: string;
  message: string;
}

export function parseKernelInfo(text: string): KernelInfo {
  const info: KernelInfo = { release: '', modules: new Set(), config: new Map() };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // grep -H: `/lib/modules/R/modules.builtin:kernel/net/netfilter/ipvs/ip_vs_rr.ko`, `/boot/config-R:CONFIG_…=y`
    if (line.startsWith('/')) {
      const colon = line.indexOf(':');
      const file = line.slice(0, colon);
      const rest = line.slice(colon + 1);
      if (colon < 0) continue;
      if (file.endsWith('/modules.builtin') && rest.includes('/ipvs/')) info.modules.add(rest.slice(rest.lastIndexOf('/') + 1).replace(/\.ko(\.[a-z]+)?$/, ''));
      else if (file.startsWith('/boot/config-') && rest.startsWith('CONFIG_IP_VS')) {
        const eq = rest.indexOf('=');
        if (eq > 0) info.config.set(rest.slice(0, eq), rest.slice(eq + 1));
      }
      continue;
    }
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const kind = line.slice(0, sp);
    const value = line.slice(sp + 1).trim();
    if (kind === 'release') info.release = value;
    else if (kind === 'module' || kind === 'builtin') info.modules.add(value.replace(/\.ko(\.[a-z]+)?$/, ''));
    else if (kind === 'config') {
      const eq = value.indexOf('=');
      if (eq > 0) info.config.set(value.slice(0, eq), value.slice(eq + 1));
    }
  }
  return info;
}

/** `6.1.0-57-cloud-amd64` → [6, 1]; undefined when the release does not start with a version. */
export function kernelVersion(release: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(v: [number, number] | undefined, major: number, minor: number): boolean {
  return v === undefined || v[0] > major || (v[0] === major && v[1] >= minor);
}

/** When the kernel gained each scheduler (for the message; Linux 2.6 had the rest). */
const SCHEDULER_SINCE: Partial<Record<string, string>> = { fo: '3.19', ovf: '4.3', mh: '4.18', twos: '6.2' };

function serviceProblems(s: IpvsService, k: KernelInfo): KernelProblem[] {
  const out: KernelProblem[] = [];
  const service = serviceKeyString(s.key);
  const on = `the director's kernel ${k.release}`;
  const v = kernelVersion(k.release);
  // Only a kernel that showed us its IPVS modules can be said to lack one.
  if (k.modules.size > 0 && k.modules.has('ip_vs')) {
    const mod = `ip_vs_${s.scheduler}`;
    if (!k.modules.has(mod)) {
      const since = SCHEDULER_SINCE[s.scheduler];
      out.push({ service, code: 'kernel-scheduler', message: `${service}: scheduler ${s.scheduler} needs the kernel module ${mod}, which ${on} does not have${since ? ` (added in Linux ${since})` : ''}` });
    }
    if (s.pe === 'sip' && !k.modules.has('ip_vs_pe_sip')) {
      out.push({ service, code: 'kernel-pe', message: `${service}: --pe sip needs the kernel module ip_vs_pe_sip, which ${on} does not have` });
    }
  }
  if (s.schedFlags.some((f) => f.startsWith('mh-')) && !atLeast(v, 4, 18)) {
    out.push({ service, code: 'kernel-scheduler', message: `${service}: the mh scheduler's flags need Linux 4.18 or later (module ip_vs_mh); ${on} is older` });
  }
  for (const rs of s.realServers) {
    const t = rs.tunnel;
    if (rs.method === 'tun' && t && (t.type !== 'ipip' || (t.checksum !== undefined && t.checksum !== 'nocsum')) && !atLeast(v, 5, 2)) {
      out.push({ service, code: 'kernel-tunnel', message: `${service}: real server ${rs.address}: tunnel type ${t.type}${t.checksum && t.checksum !== 'nocsum' ? ` with ${t.checksum}` : ''} needs Linux 5.2 or later (module ip_vs); ${on} is older` });
      break;
    }
  }
  if (k.config.size > 0) {
    if (s.key.family === 'inet6' && k.config.get('CONFIG_IP_VS_IPV6') !== 'y') {
      out.push({ service, code: 'kernel-ipv6', message: `${service}: IPv6 services need CONFIG_IP_VS_IPV6 (module ip_vs), which ${on} was built without` });
    }
    if (s.key.kind === 'addr' && s.key.protocol === 'sctp' && k.config.get('CONFIG_IP_VS_PROTO_SCTP') !== 'y') {
      out.push({ service, code: 'kernel-sctp', message: `${service}: SCTP services need CONFIG_IP_VS_PROTO_SCTP (module ip_vs), which ${on} was built without` });
    }
  }
  return out;
}

/** Every service of `table` that the kernel cannot hold, one problem each (pure). */
export function kernelProblems(table: IpvsTable, kernel: KernelInfo | undefined): KernelProblem[] {
  if (!kernel || kernel.release === '') return [];
  return table.services.flatMap((s) => serviceProblems(s, kernel));
}
