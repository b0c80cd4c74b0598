/** A host preparation report as text (lvsctl prepare and the extension's Prepare/Teardown show the same). */
import type { HostReport, StepReport } from '../hostprep/runHostPlan';

const MARK: Record<StepReport['outcome'], string> = { 'already done': '=', 'will change': '+', changed: '+', failed: 'x', manual: '!' };

/** One host: a head line, then each step with its mark (= done, + change, x failed, ! manual). */
export function formatReport(r: HostReport): string {
  const lines = [`${r.host}${r.roles.length ? ` (${r.roles.join(', ')})` : ''}: ${r.error ? 'FAILED' : r.ok ? (r.steps.some((s) => s.outcome === 'changed') ? 'changed' : r.dryRun && r.steps.some((s) => s.outcome === 'will change') ? 'would change' : 'already prepared') : 'NEEDS ATTENTION'}${r.init ? ` [init: ${r.init}]` : ''}`];
  if (r.error) lines.push(`  x ${r.error}`);
  for (const s of r.steps) {
    lines.push(`  ${MARK[s.outcome]} ${s.title} — ${s.outcome === 'manual' ? s.severity ?? 'error' : s.outcome}${s.current && s.outcome !== 'already done' ? ` (was: ${s.current})` : ''}`);
    if (s.outcome === 'will change' || s.outcome === 'failed') for (const a of s.actions) lines.push(`      $ ${a}`);
    if (s.error) lines.push(`      error: ${s.error}`);
    if (s.outcome === 'manual') lines.push(`      why: ${s.why}`, `      fix: ${s.fix ?? '-'}`);
  }
  return lines.join('\n');
}


/** Short enough for a confirmation dialog: one line per host that would change, at most `maxLines` (pure). */
export function prepareSummaryLines(reports: readonly HostReport[], maxLines = 12): string[] {
  const lines: string[] = [];
  const changing = reports.filter((r) => r.steps.some((s) => s.outcome === 'will change'));
  for (const r of changing) {
    // The bookkeeping step (the record teardown reads) says nothing about the host: named last, if at all.
    const steps = r.steps.filter((s) => s.outcome === 'will change').sort((a, b) => Number(a.id === 'record') - Number(b.id === 'record')).map((s) => s.title);
    const text = `${r.host}${r.roles.length ? ` (${r.roles.join(', ')})` : ''}: ${steps.length} change${steps.length === 1 ? '' : 's'} — ${steps.join('; ')}`;
    lines.push(text.length > 110 ? `${text.slice(0, 109)}…` : text);
  }
  const others = reports.filter((r) => !changing.includes(r));
  if (others.length) lines.push(`${others.map((r) => r.host).join(', ')}: ${others.some((r) => r.error) ? 'cannot be read or ' : ''}nothing to change`);
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines - 1), `… ${lines.length - maxLines + 1} more hosts`];
}
