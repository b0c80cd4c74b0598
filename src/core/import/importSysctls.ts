/**
 * Which IPVS sysctls an imported cluster must state so that the file matches the director: the ones the
 * cluster file defaults (expire_nodest_conn, expire_quiescent_template: lvsctl would change them) when the
 * director has another value, and every other known one whose value is not the kernel's default. Values
 * the file cannot hold are kept as comments.
 */
import { IPVS_SYSCTLS, sysctlValueProblem } from '../clusterFile/ipvsSysctls';
import { IPVS_SYSCTL_DEFAULTS } from '../clusterFile/types';

export interface ImportedSysctls {
  sysctls: Record<string, number>;
  comments: string[];
  warnings: string[];
}

/** `live`: net.ipv4.vs.<name> → value as read on the director (`director` names it in messages). */
export function importSysctls(live: Readonly<Record<string, number>>, director: string): ImportedSysctls {
  const out: ImportedSysctls = { sysctls: {}, comments: [], warnings: [] };
  if (Object.keys(live).length === 0) {
    const note = `no net.ipv4.vs.* sysctls could be read on ${director} (ip_vs not loaded?): the file's defaults apply (${Object.entries(IPVS_SYSCTL_DEFAULTS).map(([k, v]) => `${k}=${v}`).join(', ')})`;
    out.comments.push(note);
    out.warnings.push(note);
    return out;
  }
  for (const name of Object.keys(live).sort()) {
    const value = live[name];
    const info = IPVS_SYSCTLS[name];
    if (!info) continue; // vector/string/debug sysctls: not managed by the file (documented in ipvsSysctls)
    const fileDefault = IPVS_SYSCTL_DEFAULTS[name];
    if (fileDefault === undefined && (info.kernelDefault < info.min || info.kernelDefault > info.max)) {
      out.comments.push(`net.ipv4.vs.${name} is ${value} on ${director} (the kernel sizes its default from memory): not written; add it here to manage it`);
      continue;
    }
    const differs = value !== (fileDefault ?? info.kernelDefault);
    if (!differs) continue;
    const problem = sysctlValueProblem(name, value);
    if (problem) {
      const note = `net.ipv4.vs.${name} is ${value} on ${director}, which the cluster file cannot hold (${problem})`;
      out.comments.push(note);
      out.warnings.push(note);
      continue;
    }
    out.sysctls[name] = value;
  }
  return out;
}
