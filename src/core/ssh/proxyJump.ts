/** ProxyJump values: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma separated, first hop first. */
import { SshConfigError } from './errors';
import type { JumpHop } from './types';

export function parseProxyJump(value: string): JumpHop[] {
  if (value.trim() === '' || value === 'none') return [];
  return value.split(',').map((raw) => parseHop(raw.trim(), value));
}

function parseHop(text: string, whole: string): JumpHop {
  const bare = text.startsWith('ssh://') ? text.slice('ssh://'.length).replace(/\/$/, '') : text;
  const at = bare.lastIndexOf('@');
  const user = at >= 0 ? bare.slice(0, at) : undefined;
  const rest = at >= 0 ? bare.slice(at + 1) : bare;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(rest);
  if (!m || m[1] === '' || (user !== undefined && user === '')) throw new SshConfigError(`ProxyJump ${whole}: cannot parse hop "${text}"`);
  const hop: JumpHop = { host: m[1] };
  if (user !== undefined) hop.user = user;
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) throw new SshConfigError(`ProxyJump ${whole}: bad port in "${text}"`);
    hop.port = port;
  }
  return hop;
}
