/**
 * Completion, hover and quick fixes for cluster files and ipvsadm rules files: thin adapters over the core
 * language services, registered for the current selector and again when `lvs.clusterFiles.globs` changes.
 */

import * as vscode from 'vscode';
import type { Position } from '../core/diagnostics';
import type { FileKind } from '../core/fileKinds';
import type { CompletionEntry, HoverResult } from '../core/language/languageTypes';
import { fromPosition, toCompletionItem, toHover } from './convert';
import type { FileMatcher } from './fileMatcher';

export interface LanguageService {
  completions(text: string, position: Position): CompletionEntry[];
  hover(text: string, position: Position): HoverResult | undefined;
  /** Characters that open the suggestion list. */
  triggerCharacters: string[];
}

export type LanguageServices = Readonly<Record<FileKind, LanguageService>>;

export class LanguageProviders implements vscode.Disposable {
  private registrations: vscode.Disposable[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly matcher: FileMatcher,
    private readonly services: LanguageServices,
    private readonly quickFixes: vscode.CodeActionProvider,
    private readonly quickFixMetadata: vscode.CodeActionProviderMetadata,
  ) {
    this.register();
    this.subscription = matcher.onDidChange(() => this.register());
  }

  private register(): void {
    this.disposeRegistrations();
    for (const [kind, service] of Object.entries(this.services) as [FileKind, LanguageService][]) {
      const selector = this.matcher.selectorFor(kind);
      this.registrations.push(
        vscode.languages.registerCompletionItemProvider(
          selector,
          {
            provideCompletionItems: (document, position) => {
              if (this.matcher.kindOf(document) !== kind) return undefined;
              return service.completions(document.getText(), fromPosition(position)).map(toCompletionItem);
            },
          },
          ...service.triggerCharacters,
        ),
        vscode.languages.registerHoverProvider(selector, {
          provideHover: (document, position) => {
            if (this.matcher.kindOf(document) !== kind) return undefined;
            const hover = service.hover(document.getText(), fromPosition(position));
            return hover ? toHover(hover) : undefined;
          },
        }),
      );
    }
    this.registrations.push(vscode.languages.registerCodeActionsProvider(this.matcher.selector(), this.quickFixes, this.quickFixMetadata));
  }

  private disposeRegistrations(): void {
    for (const d of this.registrations) d.dispose();
    this.registrations = [];
  }

  dispose(): void {
    this.disposeRegistrations();
    this.subscription.dispose();
  }
}
