/**
 * Read-only documents of the `lvs-plan:` scheme: the two sides of a plan diff (live table and the file's
 * table, as complete `ipvsadm -R` lines, so the ipvsadm-rules language colours them) and the plan details.
 */
import * as vscode from 'vscode';

export const PLAN_SCHEME = 'lvs-plan';

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this);
  }

  /** Sets a document's text (path like `/web/node3 live.ipvsadm`); open editors update. */
  set(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This plan is no longer available: run LVS: Plan again.\n';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
