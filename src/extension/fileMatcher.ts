/**
 * Which documents are cluster files or ipvsadm rules files.
 *
 * The `lvs-cluster` and `ipvsadm-rules` languages claim their file names through `contributes.languages`.
 * The `lvs.clusterFiles.globs` setting adds more cluster files: YAML documents that match one of its globs
 * are treated as cluster files *while keeping the `yaml` language*. We deliberately do not switch them
 * with `languages.setTextDocumentLanguage`: that closes and reopens the document (every extension sees a
 * close/open pair), overrides a language the user picked by hand or through `files.associations`, cannot
 * be undone cleanly when the setting changes, and races with other extensions doing the same. Matching
 * `{ language: 'yaml', pattern }` in our selectors instead is stateless, follows the setting live, and
 * leaves the YAML extension's own features (and the Red Hat YAML schema) in place. Users who also want the
 * *LVS Cluster* mode for such files can map them with `files.associations`.
 */

import * as vscode from 'vscode';
import type { FileKind } from '../core/fileKinds';
import { clusterGlobs } from './settings';

export const CLUSTER_LANGUAGE = 'lvs-cluster';
export const RULES_LANGUAGE = 'ipvsadm-rules';
export const KEEPALIVED_LANGUAGE = 'keepalived';

/** Schemes whose documents are views of other content (diffs, output): never validated. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'debug', 'vscode-chat-code-block', 'lvs-plan']);

/** The files `LVS: Validate All Cluster Files` looks for, besides the setting's globs. */
export const CLUSTER_FILE_GLOBS = ['**/lvs.yaml', '**/lvs.yml', '**/*.lvs.yaml', '**/*.lvs.yml'];
export const RULES_FILE_GLOBS = ['**/ipvsadm.rules', '**/ipvsadm.rules.*', '**/*.ipvsadm', '**/ipvsadm-save*', '**/ipvsadm'];

/** A setting glob as a VS Code glob pattern: file-name globs match anywhere, path globs per workspace folder. */
export function settingGlobPatterns(globs: readonly string[]): vscode.GlobPattern[] {
  const out: vscode.GlobPattern[] = [];
  for (const glob of globs) {
    if (!glob.includes('/') || glob.startsWith('**/') || glob.startsWith('/')) {
      out.push(glob.includes('/') ? glob : `**/${glob}`);
    } else {
      for (const folder of vscode.workspace.workspaceFolders ?? []) out.push(new vscode.RelativePattern(folder, glob));
    }
  }
  return out;
}

export class FileMatcher implements vscode.Disposable {
  private yamlFilters: vscode.DocumentFilter[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the set of matched documents may have changed (setting or workspace folders). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.refresh();
    this.subscriptions.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lvs.clusterFiles.globs')) this.update();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.update()),
    );
  }

  private refresh(): void {
    this.yamlFilters = settingGlobPatterns(clusterGlobs()).map((pattern) => ({ language: 'yaml', pattern }));
  }

  private update(): void {
    this.refresh();
    this.changed.fire();
  }

  /** The documents of one kind, as a selector for language providers. */
  selectorFor(kind: FileKind): vscode.DocumentFilter[] {
    if (kind === 'keepalived') return [{ language: KEEPALIVED_LANGUAGE }];
    return kind === 'cluster' ? [{ language: CLUSTER_LANGUAGE }, ...this.yamlFilters] : [{ language: RULES_LANGUAGE }];
  }

  /** Every document of ours. */
  selector(): vscode.DocumentFilter[] {
    return [...this.selectorFor('cluster'), ...this.selectorFor('rules'), ...this.selectorFor('keepalived')];
  }

  /** The setting's globs as patterns for `workspace.findFiles`. */
  extraClusterPatterns(): vscode.GlobPattern[] {
    return settingGlobPatterns(clusterGlobs());
  }

  kindOf(document: vscode.TextDocument): FileKind | undefined {
    if (IGNORED_SCHEMES.has(document.uri.scheme)) return undefined;
    if (document.languageId === CLUSTER_LANGUAGE) return 'cluster';
    if (document.languageId === RULES_LANGUAGE) return 'rules';
    if (document.languageId === KEEPALIVED_LANGUAGE) return 'keepalived';
    if (document.languageId === 'yaml' && this.yamlFilters.length > 0 && vscode.languages.match(this.yamlFilters, document) > 0) {
      return 'cluster';
    }
    return undefined;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
