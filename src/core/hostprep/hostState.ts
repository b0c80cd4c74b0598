/**
 * What a host looks like now, read in ONE exec: a constant POSIX sh script (its values come as positional
 * arguments, quoted by shellQuote) prints sections `@@lvs@@ KIND ARG`; `parseHostState` turns the text into
 * data. Pure parsing, so plans can be decided from captured text in unit tests.
 */
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export interface HostAddress {
  dev: string;
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
  /** IPv4 label (`eth0:1`); equals `dev` when none was given. */
  label?: string;
}

export interface RouteInfo {
  via?: string;
  dev?: string;
  raw: string;
}

export interface HostState {
  addresses: HostAddress[];
  /** Link name → administratively up. */
  links: Map<string, boolean>;
  modules: Set<string>;
  /** Programs found on PATH (of the ones the script asks about). */
  tools: Set<string>;
  init: { systemd: boolean; ifupdown: boolean };
  /** /proc/sys path → value; absent when the file does not exist. */
  sysctls: Map<string, string>;
  /** path → content, or null when the file does not exist. */
  files: Map<string, string | null>;
  /** path → exists (files or symlinks, for `multi-user.target.wants/…`). */
  paths: Map<string, boolean>;
  routes: Map<string, RouteInfo>;
  /** Raw output of whole-listing commands: `iptables-save`, `ip6tables-save`, `nft`. */
  listings: Map<string, string>;
  /** `address port` → a TCP connection from this host succeeded. */
  probes: Map<string, boolean>;
  /** VIP → MACs that answered ARP requests for it (from this host). */
  arp: Map<string, string[]>;
  /** Module → `modprobe -n` finds it (it exists for the running kernel). */
  modulesAvailable: Map<string, boolean>;
}

/** What to read besides the fixed sections (addresses, links, modules, tools, init). */
export interface StateQuery {
  sysctlPaths?: readonly string[];
  files?: readonly string[];
  paths?: readonly string[];
  routes?: readonly string[];
  listings?: readonly ('iptables' | 'ip6tables' | 'nft')[];
  probes?: readonly { address: string; port: number }[];
  arp?: readonly { dev: string; source: string; vip: string }[];
  modulesAvailable?: readonly string[];
}

const MARK = '@@lvs@@';

/** The reader. Constant text: nothing of the cluster file is ever spliced into it. */
export const STATE_SCRIPT = `m='${MARK}'
echo "$m addr"; ip -o addr show 2>/dev/null
echo "$m link"; ip -o link show 2>/dev/null
echo "$m modules"; [ -r /proc/modules ] && while read -r name rest; do echo "$name"; done < /proc/modules
echo "$m tools"; for t in ipvsadm arping busybox iptables-save ip6tables-save nft nc bash timeout modprobe base64 systemctl; do p=$(command -v "$t" 2>/dev/null) && [ -x "$p" ] && echo "$t"; done
echo "$m init"; [ -d /run/systemd/system ] && echo systemd; command -v ifup >/dev/null 2>&1 && [ -d /etc/network/if-up.d ] && echo ifupdown
for a in "$@"; do
  v=\${a#?:}
  case $a in
    s:*) echo "$m sysctl $v"; [ -r "$v" ] && cat -- "$v" ;;
    f:*) if [ -f "$v" ]; then echo "$m file $v present"; base64 < "$v" | tr -d '\\n'; echo; else echo "$m file $v absent"; fi ;;
    p:*) if [ -e "$v" ] || [ -L "$v" ]; then echo "$m path $v present"; else echo "$m path $v absent"; fi ;;
    r:*) echo "$m route $v"; ip -o route get "$v" 2>&1 ;;
    l:iptables) echo "$m listing iptables"; iptables-save 2>/dev/null ;;
    l:ip6tables) echo "$m listing ip6tables"; ip6tables-save 2>/dev/null ;;
    l:nft) echo "$m listing nft"; nft list ruleset 2>/dev/null ;;
    t:*) ad=\${v% *}; po=\${v##* }
      if command -v nc >/dev/null 2>&1; then nc -z -w 3 "$ad" "$po" >/dev/null 2>&1; rc=$?
      else timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' lvs-probe "$ad" "$po" >/dev/null 2>&1; rc=$?; fi
      echo "$m probe $v $rc" ;;
    k:*) modprobe -n -q -- "$v" >/dev/null 2>&1; echo "$m modavail $v $?" ;;
    a:*) dv=\${v%% *}; r=\${v#* }; sr=\${r%% *}; vp=\${r#* }; echo "$m arp $vp"
      if command -v arping >/dev/null 2>&1; then arping -c 2 -w 3 -I "$dv" -s "$sr" "$vp" 2>&1
      else busybox arping -c 2 -w 3 -I "$dv" -s "$sr" "$vp" 2>&1; fi ;;
  esac
done
true`;

export function stateArgs(query: StateQuery): string[] {
  return [
    ...(query.sysctlPaths ?? []).map((p) => `s:${p}`),
    ...(query.files ?? []).map((p) => `f:${p}`),
    ...(query.paths ?? []).map((p) => `p:${p}`),
    ...(query.routes ?? []).map((r) => `r:${r}`),
    ...(query.listings ?? []).map((l) => `l:${l}`),
    ...(query.probes ?? []).map((p) => `t:${p.address} ${p.port}`),
    ...(query.modulesAvailable ?? []).map((k) => `k:${k}`),
    ...(query.arp ?? []).map((a) => `a:${a.dev} ${a.source} ${a.vip}`),
  ];
}

export function readStateCommand(query: StateQuery): RemoteCommand<HostState> {
  return {
    argv: ['sh', '-c', STATE_SCRIPT, 'lvs-state', ...stateArgs(query)],
    timeoutMs: 60_000,
    parse: (output: CommandOutput) => parseHostState(output.stdout),
  };
}

export function emptyHostState(): HostState {
  return {
    addresses: [], links: new Map(), modules: new Set(), tools: new Set(), init: { systemd: false, ifupdown: false },
    sysctls: new Map(), files: new Map(), paths: new Map(), routes: new Map(), listings: new Map(),
    probes: new Map(), arp: new Map(), modulesAvailable: new Map(),
  };
}

export function parseHostState(text: string): HostState {
  const state = emptyHostState();
  let kind = '';
  let arg = '';
  let body: string[] = [];
  const flush = (): void => {
    if (kind) applySection(state, kind, arg, body);
  };
  for (const line of text.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      flush();
      const rest = line.slice(MARK.length + 1);
      const space = rest.indexOf(' ');
      kind = space === -1 ? rest : rest.slice(0, space);
      arg = space === -1 ? '' : rest.slice(space + 1);
      body = [];
    } else body.push(line);
  }
  flush();
  return state;
}

function applySection(state: HostState, kind: string, arg: string, body: string[]): void {
  const lines = body.filter((l) => l.trim() !== '');
  switch (kind) {
    case 'addr': for (const l of lines) { const a = parseAddrLine(l); if (a) state.addresses.push(a); } break;
    case 'link':
      for (const l of lines) {
        const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(l);
        if (m) state.links.set(m[1], m[2].split(',').includes('UP'));
      }
      break;
    case 'modules': for (const l of lines) state.modules.add(l.trim()); break;
    case 'tools': for (const l of lines) state.tools.add(l.trim()); break;
    case 'init':
      state.init = { systemd: lines.includes('systemd'), ifupdown: lines.includes('ifupdown') };
      break;
    case 'sysctl': if (lines.length) state.sysctls.set(arg, lines[0].trim()); break;
    case 'file': {
      const m = /^(.*) (present|absent)$/.exec(arg);
      if (m) state.files.set(m[1], m[2] === 'present' ? Buffer.from(lines.join(''), 'base64').toString('utf8') : null);
      break;
    }
    case 'path': {
      const m = /^(.*) (present|absent)$/.exec(arg);
      if (m) state.paths.set(m[1], m[2] === 'present');
      break;
    }
    case 'route': {
      const raw = lines.join(' ').replace(/\\/g, ' ').replace(/\s+/g, ' ').trim();
      const info: RouteInfo = { raw };
      const via = / via (\S+)/.exec(` ${raw}`);
      const dev = / dev (\S+)/.exec(` ${raw}`);
      if (via) info.via = via[1];
      if (dev) info.dev = dev[1];
      state.routes.set(arg, info);
      break;
    }
    case 'listing': state.listings.set(arg, body.join('\n')); break;
    case 'probe': {
      const m = /^(.*) (\d+)$/.exec(arg);
      if (m) state.probes.set(m[1], m[2] === '0');
      break;
    }
    case 'modavail': {
      const m = /^(\S+) (\d+)$/.exec(arg);
      if (m) state.modulesAvailable.set(m[1], m[2] === '0');
      break;
    }
    case 'arp': state.arp.set(arg, parseArpingMacs(body.join('\n'))); break;
    default: break;
  }
}

/** `2: eth0    inet 10.0.0.200/32 scope global eth0:1\       valid_lft …` */
export function parseAddrLine(line: string): HostAddress | undefined {
  const m = /^\d+:\s+([^\s@]+)(?:@\S+)?\s+(inet6?)\s+([0-9a-fA-F:.]+)\/(\d+)(.*)$/.exec(line);
  if (!m) return undefined;
  const dev = m[1];
  const a: HostAddress = { dev, family: m[2] === 'inet6' ? 'inet6' : 'inet', address: m[3].toLowerCase(), prefix: Number(m[4]) };
  if (a.family === 'inet') {
    const words = m[5].split('\\')[0].trim().split(/\s+/);
    const label = [...words].reverse().find((w) => w === dev || w.startsWith(`${dev}:`));
    a.label = label ?? dev;
  }
  return a;
}

/** MACs in arping replies (iputils: `Unicast reply from 10.0.0.1 [02:16:00:00:00:0A]  0.6ms`; busybox alike). */
export function parseArpingMacs(text: string): string[] {
  const macs = new Set<string>();
  for (const m of text.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)) macs.add(m[1].toLowerCase());
  return [...macs].sort();
}
