/**
 * A reader for ssh_config(5) files, used only when no `ssh` binary is there to run `ssh -G`.
 *
 * Covered: `Host` with wildcard and `!` patterns, `Include` (with `*`/`?` in the file name, relative to ~/.ssh
 * or /etc/ssh), `Keyword value` and `Keyword=value`, double quotes, first-obtained-value-wins (IdentityFile and
 * friends accumulate). Not covered: `Match` (it can run commands and depends on canonicalisation), which is
 * reported as an error rather than guessed at, and hostname canonicalisation.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { MULTI_VALUED } from './configValues';
import type { ConfigValues } from './configValues';
import { SshConfigError } from './errors';
import { matchPattern, matchPatternList } from './hostPattern';

export interface ConfigFileOptions {
  /** `-F file`; when set, neither ~/.ssh/config nor /etc/ssh/ssh_config is read (as OpenSSH). `none` reads nothing. */
  configFile?: string;
  home: string;
  /** Default: /etc/ssh/ssh_config. */
  systemConfigFile?: string;
}

const MAX_INCLUDE_DEPTH = 16;

/** Splits one line into keyword and arguments (double quotes group; `Keyword=value` allowed). */
export function tokenizeConfigLine(line: string): { keyword: string; args: string[] } | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(trimmed);
  if (!m) throw new SshConfigError(`cannot parse: ${trimmed}`);
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const part of m[2].matchAll(re)) args.push(part[1] ?? part[2]);
  return { keyword: m[1].toLowerCase(), args };
}

export function resolveFromConfigFiles(alias: string, options: ConfigFileOptions): ConfigValues {
  const values: ConfigValues = new Map();
  const files = options.configFile !== undefined
    ? (options.configFile === 'none' ? [] : [{ path: options.configFile, user: true }])
    : [{ path: join(options.home, '.ssh', 'config'), user: true }, { path: options.systemConfigFile ?? '/etc/ssh/ssh_config', user: false }];
  for (const f of files) {
    if (f === files[0] && options.configFile !== undefined && !existsSync(f.path)) {
      throw new SshConfigError(`config file ${f.path} does not exist`);
    }
    if (existsSync(f.path)) readConfig(f.path, f.user, 0, true);
  }
  return values;

  function readConfig(path: string, userConfig: boolean, depth: number, parentActive: boolean): void {
    if (depth > MAX_INCLUDE_DEPTH) throw new SshConfigError(`${path}: Include nested too deep`);
    let active = parentActive;
    readFileSync(path, 'utf8').split(/\r?\n/).forEach((raw, index) => {
      const where = `${path}:${index + 1}`;
      let tok;
      try {
        tok = tokenizeConfigLine(raw);
      } catch (err) {
        throw new SshConfigError(`${where}: ${(err as Error).message}`);
      }
      if (!tok) return;
      const { keyword, args } = tok;
      if (keyword === 'host') { active = matchPatternList(alias, args); return; }
      if (keyword === 'match') {
        throw new SshConfigError(`${where}: "Match" is not supported when the ssh binary is absent (host settings are read without \`ssh -G\`); install the OpenSSH client or use Host blocks`);
      }
      if (!active) return;
      if (keyword === 'include') {
        for (const arg of args) for (const file of expandInclude(arg, userConfig, options.home)) readConfig(file, userConfig, depth + 1, true);
        return;
      }
      const existing = values.get(keyword);
      if (MULTI_VALUED.has(keyword)) {
        if (existing) existing.push(args.join(' ')); else values.set(keyword, [args.join(' ')]);
      } else if (existing === undefined) {
        values.set(keyword, [args.join(' ')]);
      }
    });
  }
}

function expandInclude(arg: string, userConfig: boolean, home: string): string[] {
  let path = arg === '~' || arg.startsWith('~/') ? join(home, arg.slice(1)) : arg;
  if (!isAbsolute(path)) path = userConfig ? join(home, '.ssh', path) : join('/etc/ssh', path);
  const dir = dirname(path);
  const name = basename(path);
  if (/[*?]/.test(dir)) throw new SshConfigError(`Include ${arg}: wildcards are supported in the file name only`);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => matchPattern(n, name)).sort().map((n) => join(dir, n));
}
