/**
 * keepalived.conf files (one per director) → a validated cluster file: each text parsed with the
 * keepalived.conf parser, its includes resolved with keepalived's glob over the file system the caller lends
 * (local files for `lvsctl import --keepalived FILE…`, a snapshot read over SSH for a live director), read
 * into a site, drafted and validated like every import.
 */
import type { SshSettings } from '../clusterFile/types';
import { parseConf } from '../keepalivedConf/confParser';
import { createIncludeResolver } from '../keepalivedConf/includeResolver';
import type { IncludeFileSystem } from '../keepalivedConf/includeResolver';
import { draftFromKeepalived } from './draftFromKeepalived';
import { importText } from './importText';
import type { ImportResult } from './importText';
import { readKeepalivedSite } from './keepalivedSite';
import type { KeepalivedSite } from './keepalivedSiteTypes';

export interface KeepalivedConfSource {
  /** The file's path (absolute for include resolution; as shown in warnings). */
  path: string;
  text: string;
  /** Where includes are read from; none: includes are not followed (a warning says so). */
  fs?: IncludeFileSystem;
  /** Director host name and ssh settings (a live import). */
  name?: string;
  ssh?: SshSettings;
  sshComments?: string[];
}

/** One keepalived.conf (its includes read in place) → the site keepalived runs. */
export function readKeepalivedConf(path: string, text: string, fs?: IncludeFileSystem): KeepalivedSite {
  const parsed = parseConf(text, fs ? { resolveInclude: createIncludeResolver(fs, path) } : {});
  return readKeepalivedSite(parsed, path);
}

export function importKeepalivedConfs(sources: readonly KeepalivedConfSource[], header: string[]): ImportResult {
  const draft = draftFromKeepalived({
    header,
    sources: sources.map((s) => ({
      site: readKeepalivedConf(s.path, s.text, s.fs),
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.ssh ? { ssh: s.ssh } : {}),
      ...(s.sshComments ? { sshComments: s.sshComments } : {}),
    })),
  });
  return importText(draft);
}
