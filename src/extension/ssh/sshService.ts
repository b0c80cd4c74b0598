/**
 * SSH for the extension: one SshPool per cluster file (hosts resolve with that file's `ssh:` settings),
 * rebuilt when the file's hosts change, closed on dispose. Prompts go through VS Code, every remote command
 * and its exit status to the LVS log. The trust store is the one lvsctl uses unless `lvs.ssh.trustStore` says
 * otherwise.
 */
import * as vscode from 'vscode';
import type { ClusterFile } from '../../core/clusterFile/types';
import { clusterSshPool, defaultTrustStorePath } from '../../core/operations/clusterPool';
import type { ConnectOptions } from '../../core/ssh/connect';
import type { SshPool } from '../../core/ssh/connectionPool';
import type { LvsLog } from '../log';
import { sshSettings } from '../settings';
import type { VscodeSshPrompts } from './vscodePrompts';

interface Entry {
  signature: string;
  pool: SshPool;
}

export class SshService implements vscode.Disposable {
  private readonly pools = new Map<string, Entry>();

  constructor(
    private readonly prompts: VscodeSshPrompts,
    private readonly log: LvsLog,
  ) {}

  /** The pool for a cluster file's hosts (same pool while its hosts and the SSH settings are unchanged). */
  poolFor(file: vscode.Uri, model: ClusterFile): SshPool {
    const settings = sshSettings();
    const signature = JSON.stringify([model.hosts.map((h) => [h.name, h.addresses, h.ssh]), settings]);
    const key = file.toString();
    const existing = this.pools.get(key);
    if (existing && existing.signature === signature) return existing.pool;
    existing?.pool.close();
    const pool = clusterSshPool(model, this.connectOptions(vscode.workspace.asRelativePath(file)));
    this.pools.set(key, { signature, pool });
    return pool;
  }

  /**
   * How every connection of the extension is made: VS Code prompts, the LVS log, the trust store setting;
   * `source` (the cluster file's workspace-relative name) is named in every prompt.
   */
  connectOptions(source?: string): Omit<ConnectOptions, 'trustStorePath'> & { trustStorePath: string } {
    const settings = sshSettings();
    return {
      prompts: this.prompts.prompts(),
      // Remote commands and their exit status at info level; authentication details at debug.
      log: (line) => (/: (exec|exit) /.test(line) ? this.log.info(line) : this.log.debug(`ssh ${line}`)),
      readyTimeoutMs: settings.connectTimeoutSeconds * 1000,
      trustStorePath: settings.trustStore || defaultTrustStorePath(),
      ...(source !== undefined ? { source } : {}),
    };
  }

  dispose(): void {
    for (const e of this.pools.values()) e.pool.close();
    this.pools.clear();
  }
}
