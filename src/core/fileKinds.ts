/**
 * Tells cluster files and ipvsadm rules files apart by name — the CLI and the editor use the same rules.
 *   cluster file: lvs.yaml, *.lvs.yaml, *.lvs.yml
 *   ipvsadm rules: ipvsadm.rules, ipvsadm.rules.*, *.ipvsadm, ipvsadm-save*, a file named `ipvsadm`
 *                  (as /etc/sysconfig/ipvsadm), *.rules inside an `ipvsadm` folder
 *   keepalived.conf: keepalived.conf, *.keepalived.conf, any *.conf under a folder named `keepalived`
 *                    (as /etc/keepalived/conf.d/web.conf)
 * and, by content (classifyFileText), any other *.yaml / *.yml whose top level has `version:` and `clusters:`
 * (the lab's lvs-ha.yaml, an import's output named freely).
 */

export type FileKind = 'cluster' | 'rules' | 'keepalived';

export function classifyFile(path: string): FileKind | undefined {
  const normalized = path.replace(/\\/g, '/');
  const base = normalized.slice(normalized.lastIndexOf('/') + 1).toLowerCase();
  if (base === 'lvs.yaml' || base === 'lvs.yml' || base.endsWith('.lvs.yaml') || base.endsWith('.lvs.yml')) {
    return 'cluster';
  }
  if (
    base === 'ipvsadm' ||
    base === 'ipvsadm.rules' ||
    base.startsWith('ipvsadm.rules.') ||
    base.endsWith('.ipvsadm') ||
    base.startsWith('ipvsadm-save')
  ) {
    return 'rules';
  }
  if (base === 'keepalived.conf' || base.endsWith('.keepalived.conf')) return 'keepalived';
  if (base.endsWith('.conf') && /(^|\/)keepalived\//.test(normalized)) return 'keepalived';
  return undefined;
}

/** Top-level `version:` and `clusters:` keys (at column 0, as in every cluster file). */
const CLUSTER_KEYS = [/^version:[ \t]*\S/m, /^clusters:/m];

/** By name first; a `*.yaml` / `*.yml` the name does not classify is a cluster file when its text has top-level `version:` and `clusters:`. */
export function classifyFileText(path: string, text: string): FileKind | undefined {
  const byName = classifyFile(path);
  if (byName !== undefined) return byName;
  const base = path.replace(/\\/g, '/').split('/').pop()?.toLowerCase() ?? '';
  if ((base.endsWith('.yaml') || base.endsWith('.yml')) && CLUSTER_KEYS.every((re) => re.test(text))) return 'cluster';
  return undefined;
}
