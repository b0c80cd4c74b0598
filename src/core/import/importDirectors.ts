/**
 * The import from live machines, end to end and without `vscode`: destinations → names, OpenSSH-like
 * resolution (`ssh -G`, `--ssh-config` as `ssh -F`), one SshPool over them (lvsctl's SSH layer: host-key
 * checks, trust store, the caller's prompts), ONE exec per machine for its facts, then the draft, the
 * prepare check and the validated text. lvsctl and the extension both call it.
 */
import { SshPool } from '../ssh/connectionPool';
import type { ConnectOptions } from '../ssh/connect';
import { resolveHost } from '../ssh/resolveHost';
import type { ResolvedHost } from '../ssh/types';
import { draftFromFacts } from './draftFromFacts';
import type { ImportedMachine } from './draftFromFacts';
import { factsCommand } from './importFacts';
import type { MachineFacts } from './importFacts';
import { hostNameFor, parseDestination, uniqueName } from './importNames';
import type { SshDestination } from './importNames';
import { importedSsh } from './importSsh';
import { importText } from './importText';
import type { ImportResult } from './importText';

/** A destination that is no ssh destination, or one given twice: the caller's mistake. */
export class ImportUsageError extends Error {
  override readonly name = 'ImportUsageError';
}

export interface DirectorsImportRequest {
  directors: readonly string[];
  hosts: readonly string[];
  /** `ssh -F` file (absolute), and how it is named in the file's comments. */
  sshConfig?: { path: string; label: string };
  connect: ConnectOptions;
  /** For `~` in ssh paths (the local home directory). */
  home: string;
  /** The header comment (e.g. the command line that made the file). */
  header: string[];
}

export interface ImportFailure {
  host: string;
  destination: string;
  message: string;
}

export type DirectorsImport = { ok: true; result: ImportResult } | { ok: false; failures: ImportFailure[] };

interface Target {
  name: string;
  role: 'director' | 'host';
  text: string;
  dest: SshDestination;
  resolved?: ResolvedHost;
}

/** Names every destination (unique, after its host part); throws ImportUsageError for a bad or repeated one. */
function targets(directors: readonly string[], hosts: readonly string[]): Target[] {
  const taken = new Set<string>();
  const out: Target[] = [];
  for (const [role, list] of [['director', directors], ['host', hosts]] as const) {
    for (const text of list) {
      const dest = parseDestination(text);
      if (!dest) throw new ImportUsageError(`'${text}' is no ssh destination ([user@]host or ssh://[user@]host[:port])`);
      if (out.some((t) => t.dest.host === dest.host && t.dest.user === dest.user && t.dest.port === dest.port)) throw new ImportUsageError(`${text} is given twice`);
      out.push({ name: uniqueName(hostNameFor(dest.host), taken), role, text, dest });
    }
  }
  if (!out.some((t) => t.role === 'director')) throw new ImportUsageError('at least one director is needed');
  return out;
}

/**
 * One SSH pool over import destinations: each target's name resolves as OpenSSH would resolve its destination
 * (`request.sshConfig` as `ssh -F`), and the resolution is kept on the target for the file's ssh settings.
 */
export function destinationPool<T extends { dest: SshDestination; resolved?: ResolvedHost }>(byName: ReadonlyMap<string, T>,
  request: Pick<DirectorsImportRequest, 'connect' | 'sshConfig'>): SshPool {
  return new SshPool({
    ...request.connect,
    idleTimeoutMs: 30_000,
    resolve: async (name) => {
      const t = byName.get(name);
      if (!t) throw new Error(`no destination named ${name}`);
      const settings = { ...(t.dest.user !== undefined ? { user: t.dest.user } : {}), ...(t.dest.port !== undefined ? { port: t.dest.port } : {}) };
      t.resolved = await resolveHost(t.dest.host, settings, {
        ...(request.sshConfig ? { configFile: request.sshConfig.path } : {}),
        ...(request.connect.log ? { log: request.connect.log } : {}),
      });
      return t.resolved;
    },
  });
}

export async function importDirectors(request: DirectorsImportRequest): Promise<DirectorsImport> {
  const list = targets(request.directors, request.hosts);
  const byName = new Map(list.map((t) => [t.name, t]));
  const pool = destinationPool(byName, request);
  let outcomes;
  try {
    outcomes = await pool.runOnHosts(list.map((t) => t.name), (name) => factsCommand(byName.get(name)?.role ?? 'host'));
  } finally {
    pool.close();
  }
  const failures: ImportFailure[] = [];
  const facts = new Map<string, MachineFacts>();
  for (const o of outcomes) {
    if (o.ok) facts.set(o.host, o.value);
    else failures.push({ host: o.host, destination: byName.get(o.host)?.text ?? o.host, message: o.error.message });
  }
  if (failures.length > 0) return { ok: false, failures };
  const warnings: string[] = [];
  const machines = (role: Target['role']): ImportedMachine[] => list.filter((t) => t.role === role).map((t) => {
    const read = facts.get(t.name);
    if (!t.resolved || !read) throw new Error(`${t.name} was read but never resolved`);
    const ssh = importedSsh(t.name, t.dest, t.resolved, request.sshConfig?.label, request.home);
    warnings.push(...ssh.warnings);
    return { name: t.name, ssh: ssh.ssh, sshComments: ssh.comments, facts: read };
  });
  const draft = draftFromFacts({ directors: machines('director'), hosts: machines('host'), header: request.header });
  draft.warnings.unshift(...warnings);
  return { ok: true, result: importText(draft, facts) };
}
