/**
 * Host resolution as OpenSSH does it: `ssh -G` when the binary exists (Include, Match, tokens, all of it),
 * else our own ssh_config reader; then the cluster file's `ssh:` settings on top; then each ProxyJump hop,
 * resolved the same way.
 */
import { execFile } from 'node:child_process';
import { homedir, userInfo } from 'node:os';
import type { SshSettings } from '../clusterFile/types';
import { expandPath, toConfigFields } from './configValues';
import type { ConfigFields, ConfigValues } from './configValues';
import { SshConfigError } from './errors';
import { parseProxyJump } from './proxyJump';
import { resolveFromConfigFiles } from './sshConfigFile';
import { parseSshGOutput } from './sshGOutput';
import type { DebugLog, ResolvedHost } from './types';

export interface ResolveOptions {
  /** `ssh -F file`; tests always set it. */
  configFile?: string;
  /** Home directory for `~` (default: os.homedir()). */
  home?: string;
  localUser?: string;
  /** The ssh binary for `ssh -G` (default `ssh`); `false` forces the fallback reader. */
  sshBinary?: string | false;
  /** Cluster-file settings for a ProxyJump hop named like a host of the file. */
  settingsFor?: (name: string) => SshSettings | undefined;
  /** The `address` of a ProxyJump hop named like a host of the file: its HostName when ssh_config has none. */
  addressFor?: (name: string) => string | undefined;
  /** Used as HostName when ssh_config has none for the alias (the host's data-plane address). */
  fallbackAddress?: string;
  log?: DebugLog;
}

const MAX_JUMP_DEPTH = 8;

export async function resolveHost(name: string, settings: SshSettings, options: ResolveOptions = {}): Promise<ResolvedHost> {
  return resolveAt(name, settings, options, 0);
}

async function resolveAt(name: string, settings: SshSettings, options: ResolveOptions, depth: number): Promise<ResolvedHost> {
  if (depth > MAX_JUMP_DEPTH) throw new SshConfigError(`${name}: ProxyJump chain deeper than ${MAX_JUMP_DEPTH} (a loop?)`);
  const alias = settings.host ?? name;
  if (alias === '' || alias.startsWith('-') || /[\s\0]/.test(alias)) throw new SshConfigError(`bad host name ${JSON.stringify(alias)}`);
  const home = options.home ?? homedir();
  const localUser = options.localUser ?? userInfo().username;
  const { values, source } = await readConfigValues(alias, options, home);
  let fields = toConfigFields(alias, values, { home, localUser });
  if (settings.host === undefined && fields.hostname === alias && options.fallbackAddress !== undefined) {
    fields.hostname = options.fallbackAddress;
  }
  fields = applySettings(fields, settings, home, localUser);
  options.log?.(`resolve ${name}: ${fields.user}@${fields.hostname}:${fields.port} via ${source}${fields.proxyJump ? ` jump ${fields.proxyJump}` : ''}`);

  const jumps: ResolvedHost[] = [];
  const hops = fields.proxyJump !== undefined ? parseProxyJump(fields.proxyJump) : [];
  for (const [i, hop] of hops.entries()) {
    const hopSettings: SshSettings = { ...(options.settingsFor?.(hop.host) ?? {}) };
    if (hop.user !== undefined) hopSettings.user = hop.user;
    if (hop.port !== undefined) hopSettings.port = hop.port;
    // Only the first hop keeps its own ProxyJump (as `ssh -J a,b` does); later hops go through the earlier ones.
    if (i > 0) hopSettings.proxyJump = 'none';
    const hopOptions: ResolveOptions = { ...options };
    delete hopOptions.fallbackAddress;
    const hopAddress = options.addressFor?.(hop.host);
    if (hopAddress !== undefined) hopOptions.fallbackAddress = hopAddress;
    const resolved = await resolveAt(hop.host, hopSettings, hopOptions, depth + 1);
    jumps.push(...resolved.jumps, { ...resolved, jumps: [] });
  }
  const out: ResolvedHost = {
    alias, hostname: fields.hostname, port: fields.port, user: fields.user,
    identityFiles: fields.identityFiles, identitiesOnly: fields.identitiesOnly,
    userKnownHostsFiles: fields.userKnownHostsFiles, globalKnownHostsFiles: fields.globalKnownHostsFiles,
    strictHostKeyChecking: fields.strictHostKeyChecking, jumps,
    serverAliveIntervalMs: fields.serverAliveIntervalMs, serverAliveCountMax: fields.serverAliveCountMax,
    sudo: settings.sudo ?? false, source,
  };
  if (name !== alias) out.name = name;
  if (fields.hostKeyAlias !== undefined) out.hostKeyAlias = fields.hostKeyAlias;
  if (fields.connectTimeoutMs !== undefined) out.connectTimeoutMs = fields.connectTimeoutMs;
  return out;
}

/** The cluster file wins over ssh_config: its values replace (IdentityFile goes first, like `ssh -i`). */
export function applySettings(fields: ConfigFields, s: SshSettings, home: string, localUser: string): ConfigFields {
  const out: ConfigFields = { ...fields };
  if (s.port !== undefined) out.port = s.port;
  if (s.user !== undefined) out.user = s.user;
  const tokens = { home, localUser, remoteUser: out.user, host: out.hostname, originalHost: out.hostname, port: out.port };
  for (const p of [s.identityFile, s.knownHostsFile]) {
    if (p !== undefined && p.split('/').includes('..')) throw new SshConfigError(`refusing the path ${JSON.stringify(p)}: a ".." component`);
  }
  if (s.identityFile !== undefined) {
    const key = expandPath(s.identityFile, tokens);
    out.identityFiles = [key, ...fields.identityFiles.filter((f) => f !== key)];
  }
  if (s.knownHostsFile !== undefined) out.userKnownHostsFiles = [expandPath(s.knownHostsFile, tokens)];
  if (s.strictHostKeyChecking !== undefined) out.strictHostKeyChecking = s.strictHostKeyChecking;
  if (s.proxyJump !== undefined) {
    if (s.proxyJump === 'none') delete out.proxyJump; else out.proxyJump = s.proxyJump;
  }
  return out;
}

async function readConfigValues(alias: string, options: ResolveOptions, home: string): Promise<{ values: ConfigValues; source: ResolvedHost['source'] }> {
  const binary = options.sshBinary ?? 'ssh';
  if (binary !== false) {
    const out = await runSshG(binary, alias, options.configFile);
    if (out !== undefined) return { values: parseSshGOutput(out), source: 'ssh -G' };
    options.log?.(`resolve ${alias}: no ${binary} binary, reading ssh_config ourselves`);
  }
  const fileOptions: Parameters<typeof resolveFromConfigFiles>[1] = { home };
  if (options.configFile !== undefined) fileOptions.configFile = options.configFile;
  return { values: resolveFromConfigFiles(alias, fileOptions), source: 'ssh_config fallback' };
}

/** `ssh -G [-F file] -- alias`; `undefined` when the binary does not exist. */
export function runSshG(binary: string, alias: string, configFile?: string): Promise<string | undefined> {
  const args = ['-G', ...(configFile !== undefined ? ['-F', configFile] : []), '--', alias];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 15_000, maxBuffer: 1 << 20, windowsHide: true }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') { resolve(undefined); return; }
      if (err) { reject(new SshConfigError(`ssh -G ${alias} failed: ${stderr.trim() || err.message}`)); return; }
      resolve(stdout);
    });
  });
}
