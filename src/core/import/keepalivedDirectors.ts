/**
 * `lvsctl import --keepalived --director DEST…`: each live director's /etc/keepalived/keepalived.conf and
 * its includes, read over lvsctl's SSH layer (destinations resolved as OpenSSH does, host keys checked, the
 * caller's prompts), imported like files. Warnings name the director, the file and the line
 * (`lvs1:/etc/keepalived/conf.d/web.conf:12`); the hosts get the ssh settings the import used.
 */
import type { ResolvedHost } from '../ssh/types';
import { draftFromKeepalived } from './draftFromKeepalived';
import type { KeepalivedSource } from './draftFromKeepalived';
import type { DirectorsImport, DirectorsImportRequest, ImportFailure } from './importDirectors';
import { destinationPool, ImportUsageError } from './importDirectors';
import { hostNameFor, parseDestination, uniqueName } from './importNames';
import type { SshDestination } from './importNames';
import { importedSsh } from './importSsh';
import { importText } from './importText';
import { DEFAULT_KEEPALIVED_CONF, readRemoteKeepalivedConf } from './keepalivedConfRemote';
import type { RemoteConf } from './keepalivedConfRemote';
import { readKeepalivedConf } from './keepalivedImport';
import type { KeepalivedSite } from './keepalivedSiteTypes';

export interface KeepalivedDirectorsRequest extends Omit<DirectorsImportRequest, 'hosts'> {
  /** The configuration's path on the directors (default /etc/keepalived/keepalived.conf). */
  confPath?: string;
}

interface Target {
  name: string;
  text: string;
  dest: SshDestination;
  resolved?: ResolvedHost;
}

/** Locations as `HOST:PATH`, so that a pair's warnings say which director they are about. */
function onHost(site: KeepalivedSite, host: string): KeepalivedSite {
  const at = <T extends { file: string }>(x: T): T => ({ ...x, file: `${host}:${x.file}` });
  return {
    ...site,
    file: `${host}:${site.file}`,
    warnings: site.warnings.map(at),
    instances: site.instances.map((i) => ({ ...i, at: at(i.at), vips: i.vips.map((v) => ({ ...v, at: at(v.at) })), excluded: i.excluded.map((v) => ({ ...v, at: at(v.at) })) })),
    services: site.services.map((s) => ({ ...s, at: at(s.at), realServers: s.realServers.map((rs) => ({ ...rs, at: at(rs.at) })) })),
  };
}

export async function importKeepalivedDirectors(request: KeepalivedDirectorsRequest): Promise<DirectorsImport> {
  const taken = new Set<string>();
  const list: Target[] = [];
  for (const text of request.directors) {
    const dest = parseDestination(text);
    if (!dest) throw new ImportUsageError(`'${text}' is no ssh destination ([user@]host or ssh://[user@]host[:port])`);
    if (list.some((t) => t.dest.host === dest.host && t.dest.user === dest.user && t.dest.port === dest.port)) throw new ImportUsageError(`${text} is given twice`);
    list.push({ name: uniqueName(hostNameFor(dest.host), taken), text, dest });
  }
  if (list.length === 0) throw new ImportUsageError('at least one director is needed');
  const pool = destinationPool(new Map(list.map((t) => [t.name, t])), request);
  const confs = new Map<string, RemoteConf>();
  const failures: ImportFailure[] = [];
  try {
    await Promise.all(list.map(async (t) => {
      try {
        confs.set(t.name, await readRemoteKeepalivedConf((command) => pool.run(t.name, command), request.confPath ?? DEFAULT_KEEPALIVED_CONF));
      } catch (err) {
        failures.push({ host: t.name, destination: t.text, message: (err as Error).message });
      }
    }));
  } finally {
    pool.close();
  }
  if (failures.length > 0) return { ok: false, failures };
  const warnings: string[] = [];
  const sources: KeepalivedSource[] = list.map((t) => {
    const conf = confs.get(t.name);
    if (!conf || !t.resolved) throw new Error(`${t.name} was read but never resolved`);
    const ssh = importedSsh(t.name, t.dest, t.resolved, request.sshConfig?.label, request.home);
    warnings.push(...ssh.warnings);
    return { site: onHost(readKeepalivedConf(conf.path, conf.text, conf.fs), t.name), name: t.name, ssh: ssh.ssh, sshComments: ssh.comments };
  });
  const draft = draftFromKeepalived({ sources, header: request.header });
  draft.warnings.unshift(...warnings);
  return { ok: true, result: importText(draft) };
}
