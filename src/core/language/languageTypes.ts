/**
 * Plain-data, LSP-shaped results of the editor language services (completion, hover), so the core stays
 * free of `vscode` and the extension only converts them.
 */

import type { Range } from '../diagnostics';

export type CompletionKind = 'property' | 'value' | 'enumMember' | 'reference' | 'keyword' | 'snippet';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** Short text shown beside the label (type, title). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What to insert; `label` when absent. */
  insertText?: string;
  /** `snippet`: insertText uses VS Code snippet syntax (`$1`, `${1|a,b|}`, `$0`). */
  insertTextFormat?: 'plain' | 'snippet';
  /** The text the item replaces (the partially typed word); the cursor position when absent. */
  range?: Range;
  /** Text the typed word is matched against; label when absent. */
  filterText?: string;
  /** Sort key; label when absent. */
  sortText?: string;
  /** Re-open the suggestion list after inserting (e.g. after `scheduler: ` to pick the value). */
  retrigger?: boolean;
}

export interface HoverResult {
  /** Markdown. */
  contents: string;
  /** The word or key the hover is about. */
  range: Range;
}
