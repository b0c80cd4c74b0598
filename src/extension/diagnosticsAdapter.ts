/**
 * Runs the core validators on open cluster files and ipvsadm rules files and shows the results in the
 * `lvs` diagnostic collection.
 *
 * - Debounced per document (`lvs.validation.debounceMs`, 250 ms by default) after open and each change.
 * - Only the latest text counts: every schedule bumps the document's generation, and a result is
 *   published only if the generation and the document version are still the ones it was computed for.
 * - Validation is synchronous core code, so it runs only after the debounce; a document whose last
 *   validation was slow waits proportionally longer (adaptive debounce), so typing in a huge file never
 *   queues back-to-back validations on the extension host.
 * - Cleared when the document closes or stops being one of ours (language or setting change).
 * - Keeps the core diagnostics' quick fixes for the code action provider (`fixesFor`).
 */

import * as vscode from 'vscode';
import type { Diagnostic, Fix } from '../core/diagnostics';
import type { FileKind } from '../core/fileKinds';
import { DIAGNOSTIC_SOURCE, sameRange, toDiagnostic } from './convert';
import type { FileMatcher } from './fileMatcher';
import { debounceMs } from './settings';

/** `file`: the document's path on disk when it has one (keepalived.conf follows its includes from there). */
export type Validator = (kind: FileKind, text: string, file?: string) => Diagnostic[];

interface DocState {
  generation: number;
  timer?: ReturnType<typeof setTimeout>;
  /** Milliseconds the last validation of this document took. */
  lastDuration: number;
}

export class DiagnosticsAdapter implements vscode.Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly states = new Map<string, DocState>();
  /** Core diagnostics as last published, per document URI (for quick fixes). */
  private readonly published = new Map<string, Diagnostic[]>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly matcher: FileMatcher,
    private readonly validate: Validator,
  ) {
    this.collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
    this.subscriptions.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      matcher.onDidChange(() => this.revalidateOpen()),
    );
    this.revalidateOpen();
  }

  /** Validates every open document again (after a setting change), dropping those no longer ours. */
  revalidateOpen(): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (this.matcher.kindOf(doc)) this.schedule(doc);
      else if (this.states.has(doc.uri.toString()) || this.published.has(doc.uri.toString())) this.forget(doc.uri);
    }
  }

  schedule(doc: vscode.TextDocument): void {
    const kind = this.matcher.kindOf(doc);
    const key = doc.uri.toString();
    if (!kind) {
      // The document may have been ours before its language changed.
      if (this.states.has(key) || this.published.has(key)) this.forget(doc.uri);
      return;
    }
    const state = this.states.get(key) ?? { generation: 0, lastDuration: 0 };
    this.states.set(key, state);
    if (state.timer) clearTimeout(state.timer);
    const generation = ++state.generation;
    const delay = Math.max(debounceMs(doc.uri), Math.min(state.lastDuration * 2, 5000));
    state.timer = setTimeout(() => this.run(doc, kind, generation), delay);
  }

  private run(doc: vscode.TextDocument, kind: FileKind, generation: number): void {
    const key = doc.uri.toString();
    const state = this.states.get(key);
    if (!state || state.generation !== generation || doc.isClosed) return;
    state.timer = undefined;
    const version = doc.version;
    const started = Date.now();
    let diagnostics: Diagnostic[];
    try {
      diagnostics = this.validate(kind, doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
    } catch (err) {
      diagnostics = [internalError(err)];
    }
    state.lastDuration = Date.now() - started;
    // Stale: the text changed (or a newer run was scheduled) while this one ran; the newer run publishes.
    if (state.generation !== generation || doc.version !== version || doc.isClosed) return;
    this.publish(doc.uri, diagnostics);
  }

  /** Shows `diagnostics` for `uri` (also used by `lvs.validateAll` for files that are not open). */
  publish(uri: vscode.Uri, diagnostics: Diagnostic[]): void {
    this.published.set(uri.toString(), diagnostics);
    this.collection.set(uri, diagnostics.map(toDiagnostic));
  }

  /** Validation state of an open document is dropped with it; so are its problems. */
  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const state = this.states.get(key);
    if (state?.timer) clearTimeout(state.timer);
    this.states.delete(key);
    this.published.delete(key);
    this.collection.delete(uri);
  }

  /** The core fixes of the published diagnostic that `d` shows (matched by range, code and message). */
  fixesFor(uri: vscode.Uri, d: vscode.Diagnostic): Fix[] {
    if (d.source !== DIAGNOSTIC_SOURCE) return [];
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    const found = this.published
      .get(uri.toString())
      ?.find((c) => c.code === String(code) && c.message === d.message && sameRange(c.range, d.range));
    return found?.fixes ?? [];
  }

  dispose(): void {
    for (const state of this.states.values()) if (state.timer) clearTimeout(state.timer);
    this.states.clear();
    for (const d of this.subscriptions) d.dispose();
  }
}

function internalError(err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'error',
    code: 'lvs-internal',
    message: `internal error while validating: ${message}`,
  };
}
