/**
 * Allow-lists for every string of the cluster file that may end up on a remote command line (interface
 * names, labels, user names, paths, ssh destinations, item names). Strict on purpose: whatever is not
 * plainly safe is rejected, so that no quoting mistake elsewhere can turn a value into shell syntax.
 */

import { parseAddress } from '../ipvs/address';

/** Item names (hosts, clusters, services): a letter or digit, then letters, digits, `.`, `_`, `-`; ≤ 63. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Linux interface names: IFNAMSIZ-1 = 15 bytes, no `/`, `:`, whitespace; not `.`/`..`; no leading `-`. */
const INTERFACE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const LABEL_SUFFIX = /^[A-Za-z0-9_.-]+$/;
/** POSIX-ish login names, without the `$` of machine accounts. */
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
/** `~/…`, `/…` or relative paths of safe characters; never starting with `-` (an ssh option). */
const PATH = /^(?:~\/|\/)?[A-Za-z0-9._@+][A-Za-z0-9._@+/-]*$/;
/** DNS names and ssh-config aliases: labels of letters, digits, `_`, `-`, separated by dots; no leading `-`. */
const SSH_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}(?:\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})*\.?$/;

export function isName(text: string): boolean {
  return NAME.test(text);
}

export function isInterfaceName(text: string): boolean {
  return INTERFACE.test(text) && text !== '.' && text !== '..';
}

/** `ip addr add … label eth0:1`: the label must be the interface name, or it followed by `:` and more; ≤ 15. */
export function isVipLabel(text: string): boolean {
  if (text.length > 15) return false;
  const colon = text.indexOf(':');
  if (colon === -1) return isInterfaceName(text);
  return isInterfaceName(text.slice(0, colon)) && LABEL_SUFFIX.test(text.slice(colon + 1));
}

export function isUserName(text: string): boolean {
  return USER.test(text);
}

/** A safe path with no `..` component: a path of the file cannot climb out of ~/.ssh or ~ with `..`. */
export function isSafePath(text: string): boolean {
  return text.length <= 4096 && PATH.test(text) && !text.split('/').includes('..');
}

/** `~/…` or relative (read under ~/.ssh, as ssh does): the user's own files, not a path the file chose. */
export function isOwnSshPath(text: string): boolean {
  return !text.startsWith('/');
}

/** An IP literal, a DNS name or an ssh config alias. */
export function isSshHost(text: string): boolean {
  if (parseAddress(text)) return true;
  return text.length <= 253 && SSH_NAME.test(text);
}

/** One ssh `-J` hop: `[user@]host[:port]`, IPv6 literals in brackets. */
function isJumpHop(hop: string): boolean {
  let rest = hop;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    if (!isUserName(rest.slice(0, at))) return false;
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return false;
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return false;
      port = after.slice(1);
    }
    if (parseAddress(host)?.family !== 'inet6') return false;
  } else {
    const colon = rest.indexOf(':');
    if (colon !== -1) {
      host = rest.slice(0, colon);
      port = rest.slice(colon + 1);
    }
    if (!isSshHost(host)) return false;
  }
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) return false;
  return true;
}

/** ssh `ProxyJump`: comma-separated hops. */
export function isProxyJump(text: string): boolean {
  return text.length > 0 && text.length <= 1024 && text.split(',').every(isJumpHop);
}

/** A proxyJump that is one bare name (no user, port, dot or address): meant as a host of this file. */
export function isBareHostName(text: string): boolean {
  return NAME.test(text) && !text.includes('.') && !parseAddress(text);
}
