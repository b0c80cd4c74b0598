/**
 * The BIRD side of `lvsctl plan` for an active-active cluster (pure): per director the unified diff of its
 * live bird.conf against the one the cluster file renders (the first comment line, which names the source
 * file, left out of both), whether BIRD must be started, and what stands in the way (BIRD not installed, a
 * bird.conf lvsctl did not write). Built from planBirdCluster's reading (applyBirdCluster.ts).
 */
import { unifiedDiff } from '../keepalived/unifiedDiff';
import type { BirdDirectorPlan } from './applyBirdCluster';
import { BIRD_CONF } from './birdRemote';

function body(text: string): string {
  return `${text.replace(/\r\n/g, '\n').replace(/^# bird\.conf of .*\n/, '').replace(/\n+$/, '')}\n`;
}

/** Live → rendered; '' when they are the same. */
export function birdConfDiff(p: BirdDirectorPlan): string {
  if (!p.live) return '';
  return unifiedDiff(p.live.conf === undefined ? '' : body(p.live.conf), body(p.conf), {
    before: `${p.host}:${BIRD_CONF}${p.live.conf === undefined ? ' (none)' : ''}`,
    after: `${p.host}:${BIRD_CONF} (rendered)`,
  });
}

/** One director's BIRD plan as text. */
export function birdPlanText(p: BirdDirectorPlan): string {
  const out = [`${p.host}: (BIRD)`];
  if (p.error !== undefined) out.push(`  ! ${p.error}`);
  if (!p.live) return `${out.join('\n')}\n`;
  if (p.foreignConf !== undefined && p.changes) out.push(`  ! ${BIRD_CONF} is ${p.foreignConf}: apply replaces it only with --take-over (kept as ${BIRD_CONF}.lvsctl-prev)`);
  const diff = birdConfDiff(p);
  if (diff === '') out.push(`  = ${BIRD_CONF} matches the file`);
  else out.push(`  ~ ${BIRD_CONF}:`, diff.replace(/\n$/, '').replace(/^/gm, '    '));
  if (!p.live.running && p.live.binary !== undefined) out.push('  + BIRD is not running: apply starts it');
  return `${out.join('\n')}\n`;
}

/** One director's BIRD plan as JSON (lvsctl plan --json). */
export function birdPlanJson(p: BirdDirectorPlan): unknown {
  return {
    host: p.host, changes: p.changes, confDiff: birdConfDiff(p), running: p.live?.running ?? false,
    ...(p.foreignConf !== undefined ? { foreignConf: p.foreignConf } : {}), ...(p.error !== undefined ? { error: p.error } : {}),
  };
}
