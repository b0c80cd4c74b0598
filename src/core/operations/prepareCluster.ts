/**
 * The host-preparation use case, shared by `lvsctl prepare` and the extension's Prepare / Tear Down: run the
 * preparation (or its dry run, or the teardown) on the chosen hosts, then, after a real preparation that
 * included a director, the ARP check from that director ("exactly one MAC answers for the VIP",
 * hostprep/arpCheck.ts). Front ends only choose the hosts, ask, and show the result.
 */
import type { ClusterFile } from '../clusterFile/types';
import { arpProbes, arpQuery, arpVerdicts } from '../hostprep/arpCheck';
import type { ArpVerdict } from '../hostprep/arpCheck';
import type { HostRequirements } from '../hostprep/hostRequirements';
import { readStateCommand } from '../hostprep/hostState';
import { runPreparation } from '../hostprep/runHostPlan';
import type { HostReport, RunOptions } from '../hostprep/runHostPlan';
import type { HostRunner } from '../ssh/remoteCommand';

export interface ArpResult {
  /** The director the ARP requests were sent from. */
  director: string;
  verdict: ArpVerdict;
}

export interface PreparationResult {
  reports: HostReport[];
  /** One verdict per (director, VIP) after a real preparation; empty for a dry run or a teardown. */
  arp: ArpResult[];
  /** Directors whose ARP check could not run (connection, read), with the reason. */
  arpErrors: { director: string; error: string }[];
  /** Every host ready and no other host answers ARP for a VIP. */
  ok: boolean;
}

export interface PrepareClusterOptions extends RunOptions {
  teardown?: boolean;
}

/** Prepares (or tears down) `reqs` of cluster `clusterName`, then checks ARP from each prepared director. */
export async function prepareCluster(
  run: HostRunner,
  file: ClusterFile,
  clusterName: string,
  reqs: readonly HostRequirements[],
  options: PrepareClusterOptions = {},
): Promise<PreparationResult> {
  const reports = await runPreparation(run, reqs, options);
  const arp: ArpResult[] = [];
  const arpErrors: PreparationResult['arpErrors'] = [];
  if (!options.dryRun && !options.teardown) {
    const probes = arpProbes(file, clusterName).filter((p) => reqs.some((r) => r.host === p.host));
    const directors = [...new Set(probes.map((p) => p.host))];
    await Promise.all(directors.map(async (director) => {
      const mine = probes.filter((p) => p.host === director);
      try {
        const state = await run(director, readStateCommand(arpQuery(mine)));
        for (const verdict of arpVerdicts(mine, state)) arp.push({ director, verdict });
      } catch (err) {
        arpErrors.push({ director, error: (err as Error).message });
      }
    }));
    arp.sort((a, b) => a.director.localeCompare(b.director) || a.verdict.vip.localeCompare(b.verdict.vip));
  }
  const ok = reports.every((r) => r.ok) && !arp.some((a) => a.verdict.kind === 'others-answer');
  return { reports, arp, arpErrors, ok };
}

/** One ARP verdict as a sentence (the CLI prints it, the extension logs and announces it). */
export function formatArpVerdict(a: ArpResult): string {
  const v = a.verdict;
  switch (v.kind) {
    case 'only-director': return `ARP check from ${a.director}: ${v.vip} is answered by no other host (only the director holds it)`;
    case 'others-answer': return `ARP check from ${a.director}: ${v.vip} is ALSO answered by ${v.macs.join(', ')} — a real server still answers ARP for the VIP`;
    case 'no-tool': return `ARP check from ${a.director}: skipped, no arping or busybox on ${a.director}`;
  }
}
