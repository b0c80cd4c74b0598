/**
 * What `lvsctl prepare` would do on the imported hosts, decided from the facts the import read (the same
 * requirements and the same pure decision as prepare, without persistence files): every step that would
 * change something or need a manual fix becomes a comment on the host and a warning, so the import says
 * where the hand-built setup and the file disagree instead of leaving it to be found later.
 */
import type { ClusterFile } from '../clusterFile/types';
import { hostRequirements } from '../hostprep/hostRequirements';
import { planHost } from '../hostprep/hostPlan';
import type { MachineFacts } from './importFacts';

export interface PrepareFinding {
  host: string;
  text: string;
}

export function prepareFindings(model: ClusterFile, facts: ReadonlyMap<string, MachineFacts>): PrepareFinding[] {
  const out: PrepareFinding[] = [];
  for (const cluster of model.clusters) {
    for (const req of hostRequirements(model, cluster.name)) {
      const f = facts.get(req.host);
      if (!f) continue;
      let steps;
      try {
        steps = planHost(req, f.state, { persist: false }).steps;
      } catch (err) {
        out.push({ host: req.host, text: `prepare cannot plan ${req.host}: ${(err as Error).message}` });
        continue;
      }
      for (const s of steps) {
        if (s.status === 'done' || s.id === 'record') continue;
        const text = s.status === 'change'
          ? `prepare would change on ${req.host}: ${s.title} (${s.current ?? 'unknown'})`
          : `prepare reports on ${req.host} (manual): ${s.title} (${s.current ?? 'unknown'})${s.fix ? ` — ${s.fix}` : ''}`;
        if (!out.some((o) => o.host === req.host && o.text === text)) out.push({ host: req.host, text });
      }
    }
  }
  return out;
}
