/**
 * Completion, hover, outline, folding and quick fixes for cluster files, ipvsadm rules files and
 * keepalived.conf: thin adapters over the core language services, registered for the current selector
 * and again when `lvs.clusterFiles.globs` changes.
 */

import * as vscode from 'vscode';
import type { Position } from '../core/diagnostics';
import type { FileKind } from '../core/fileKinds';
import type { ConfFoldingRange, ConfSymbol, SymbolKind } from '../core/keepalivedConf/confLanguage';
import type { CompletionEntry, HoverResult } from '../core/language/languageTypes';
import { fromPosition, toCompletionItem, toHover, toRange } from './convert';
import type { FileMatcher } from './fileMatcher';

export interface LanguageService {
  completions(text: string, position: Position): CompletionEntry[];
  hover(text: string, position: Position): HoverResult | undefined;
  /** Characters that open the suggestion list. */
  triggerCharacters: string[];
  /** The outline, for languages that have one. */
  symbols?(text: string): ConfSymbol[];
  foldingRanges?(text: string): ConfFoldingRange[];
}

const SYMBOL_KIND: Readonly<Record<SymbolKind, vscode.SymbolKind>> = {
  namespace: vscode.SymbolKind.Namespace,
  object: vscode.SymbolKind.Object,
  module: vscode.SymbolKind.Module,
  event: vscode.SymbolKind.Event,
  array: vscode.SymbolKind.Array,
  function: vscode.SymbolKind.Function,
};

function toDocumentSymbol(s: ConfSymbol): vscode.DocumentSymbol {
  const out = new vscode.DocumentSymbol(s.name, s.detail, SYMBOL_KIND[s.kind], toRange(s.range), toRange(s.selectionRange));
  out.children = s.children.map(toDocumentSymbol);
  return out;
}

function toFoldingRange(f: ConfFoldingRange): vscode.FoldingRange {
  return new vscode.FoldingRange(f.startLine, f.endLine, f.kind === 'comment' ? vscode.FoldingRangeKind.Comment : undefined);
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
      const { symbols, foldingRanges } = service;
      if (symbols) {
        this.registrations.push(vscode.languages.registerDocumentSymbolProvider(selector, {
          provideDocumentSymbols: (document) => (this.matcher.kindOf(document) === kind ? symbols(document.getText()).map(toDocumentSymbol) : undefined),
        }));
      }
      if (foldingRanges) {
        this.registrations.push(vscode.languages.registerFoldingRangeProvider(selector, {
          provideFoldingRanges: (document) => (this.matcher.kindOf(document) === kind ? foldingRanges(document.getText()).map(toFoldingRange) : undefined),
        }));
      }
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
