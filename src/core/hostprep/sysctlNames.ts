/**
 * Sysctl names as the kernel files them. Interface names may contain dots (`eth0.100`), so the dotted form
 * is ambiguous for `net.ipv{4,6}.conf.<if>.<key>`: such names are written with `/` separators, as sysctl(8)
 * and sysctl.d(5) accept.
 */

const CONF = /^net\.(ipv4|ipv6)\.conf\.(.+)\.([a-z0-9_]+)$/;

/** `net.ipv4.conf.eth0.arp_ignore` → `/proc/sys/net/ipv4/conf/eth0/arp_ignore`. */
export function sysctlProcPath(key: string): string {
  const m = CONF.exec(key);
  if (m) return `/proc/sys/net/${m[1]}/conf/${m[2]}/${m[3]}`;
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** The name for `sysctl -w` and sysctl.d files: dotted, or `/`-separated when the interface has a dot. */
export function sysctlArgName(key: string): string {
  const m = CONF.exec(key);
  if (m && m[2].includes('.')) return `net/${m[1]}/conf/${m[2]}/${m[3]}`;
  return key;
}

export function confSysctl(family: 'ipv4' | 'ipv6', dev: string, name: string): string {
  return `net.${family}.conf.${dev}.${name}`;
}
