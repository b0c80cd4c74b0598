/**
 * An ImportDraft → the cluster file's text, checked: the text is validated (an import that does not
 * validate with zero errors is a bug, reported as such, never written as if fine), and, when facts were
 * read, prepare's decision on them adds its findings as comments and warnings.
 */
import type { Diagnostic } from '../diagnostics';
import { validateClusterFile } from '../clusterFile/validate';
import { draftToYamlText } from './draftYaml';
import type { MachineFacts } from './importFacts';
import type { ImportDraft } from './importDraft';
import { prepareFindings } from './prepareCheck';

export interface ImportResult {
  text: string;
  draft: ImportDraft;
  /** Of the final text: errors mean the import failed. */
  diagnostics: Diagnostic[];
}

export function importText(draft: ImportDraft, facts?: ReadonlyMap<string, MachineFacts>): ImportResult {
  let text = draftToYamlText(draft);
  let checked = validateClusterFile(text);
  if (facts && facts.size > 0 && !checked.diagnostics.some((d) => d.severity === 'error')) {
    const findings = prepareFindings(checked.model, facts);
    for (const f of findings) {
      const host = draft.hosts.find((h) => h.name === f.host);
      if (host && !host.comments.includes(f.text)) host.comments.push(f.text);
      if (!draft.warnings.includes(f.text)) draft.warnings.push(f.text);
    }
    if (findings.length > 0) {
      text = draftToYamlText(draft);
      checked = validateClusterFile(text);
    }
  }
  return { text, draft, diagnostics: checked.diagnostics };
}
