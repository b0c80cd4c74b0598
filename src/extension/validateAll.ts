/**
 * `LVS: Validate All Cluster Files`: finds every cluster file and ipvsadm rules file of the workspace
 * (the languages' file names plus `lvs.clusterFiles.globs`), validates each (open documents by their
 * current text, others from disk), publishes the problems and reveals the Problems panel.
 */

import * as vscode from 'vscode';
import type { Diagnostic } from '../core/diagnostics';
import { classifyFile } from '../core/fileKinds';
import type { FileKind } from '../core/fileKinds';
import type { DiagnosticsAdapter, Validator } from './diagnosticsAdapter';
import { CLUSTER_FILE_GLOBS, RULES_FILE_GLOBS } from './fileMatcher';
import type { FileMatcher } from './fileMatcher';

const EXCLUDE = '**/{node_modules,.git}/**';
const MAX_FILES = 2000;

export async function validateAll(matcher: FileMatcher, diagnostics: DiagnosticsAdapter, validate: Validator): Promise<void> {
  const found = new Map<string, { uri: vscode.Uri; kind: FileKind }>();
  const add = (uris: readonly vscode.Uri[], kind: FileKind): void => {
    for (const uri of uris) if (!found.has(uri.toString())) found.set(uri.toString(), { uri, kind });
  };
  const search = async (patterns: readonly vscode.GlobPattern[], kind: FileKind, token: vscode.CancellationToken): Promise<void> => {
    for (const pattern of patterns) add(await vscode.workspace.findFiles(pattern, EXCLUDE, MAX_FILES, token), kind);
  };

  const totals = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'LVS: validating cluster files', cancellable: true },
    async (progress, token) => {
      await search(CLUSTER_FILE_GLOBS, 'cluster', token);
      await search(RULES_FILE_GLOBS, 'rules', token);
      await search(matcher.extraClusterPatterns(), 'cluster', token);
      const files = [...found.values()];
      let errors = 0;
      let warnings = 0;
      let done = 0;
      for (const { uri, kind: foundKind } of files) {
        if (token.isCancellationRequested) break;
        progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(files.length, 1) });
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        const kind = (open && matcher.kindOf(open)) ?? classifyFile(uri.path) ?? foundKind;
        let result: Diagnostic[];
        try {
          const text = open ? open.getText() : new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
          result = validate(kind, text);
        } catch (err) {
          result = [{
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            severity: 'error',
            code: 'lvs-internal',
            message: `could not validate: ${err instanceof Error ? err.message : String(err)}`,
          }];
        }
        diagnostics.publish(uri, result);
        errors += result.filter((d) => d.severity === 'error').length;
        warnings += result.filter((d) => d.severity === 'warning').length;
        done++;
        // Let the extension host breathe between files.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { files: done, errors, warnings };
    },
  );

  await vscode.commands.executeCommand('workbench.actions.view.problems');
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (totals.files === 0) {
    void vscode.window.showInformationMessage('LVS: no cluster files (lvs.yaml, *.lvs.yaml, *.lvs.yml) or ipvsadm rules files found in the workspace.');
  } else {
    void vscode.window.showInformationMessage(
      `LVS: validated ${plural(totals.files, 'file')}: ${plural(totals.errors, 'error')}, ${plural(totals.warnings, 'warning')}.`,
    );
  }
}
