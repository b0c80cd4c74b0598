/**
 * References between the blocks of a keepalived.conf (KAL014): `track_script`, `track_file`,
 * `track_process`, `track_bfd`, FILE_CHECK `track_file` and BFD_CHECK `name` must name a vrrp_script,
 * track_file, vrrp_track_process or bfd_instance defined *above* them — keepalived 2.2.7 looks the name
 * up while it reads the line (vrrp_track.c `alloc_track_script`, track_file.c, check_file.c,
 * check_bfd.c) and ignores the entry otherwise ("track script X not found, ignoring..."). The
 * instances of a vrrp_sync_group `group` and the group of `virtual_server group NAME` may be defined
 * anywhere.
 *
 * Names holding `$` parameters, and texts whose includes were not followed, are not checked.
 */

import type { Diagnostic } from '../diagnostics';
import { KEEPALIVED_CODES } from './confCodes';
import type { ConfNode, ParsedConf } from './confParser';
import type { ConfToken } from './confLexer';

type Kind = 'vrrp_script' | 'track_file' | 'vrrp_track_process' | 'bfd_instance' | 'vrrp_instance' | 'virtual_server_group';

/** Root keyword → the kind of name it defines. */
const DEFINES: Readonly<Record<string, Kind>> = {
  vrrp_script: 'vrrp_script',
  track_file: 'track_file',
  vrrp_track_file: 'track_file',
  vrrp_track_process: 'vrrp_track_process',
  bfd_instance: 'bfd_instance',
  vrrp_instance: 'vrrp_instance',
  virtual_server_group: 'virtual_server_group',
};

/** Value blocks of vrrp_instance / vrrp_sync_group whose lines name a definition, looked up in reading order. */
const TRACKS: Readonly<Record<string, Kind>> = {
  track_script: 'vrrp_script',
  track_file: 'track_file',
  track_process: 'vrrp_track_process',
  track_bfd: 'bfd_instance',
};

interface Definition {
  /** Reading order of the root statement that defines it. */
  order: number;
  node: ConfNode;
}

class References {
  readonly out: Diagnostic[] = [];
  private readonly defs = new Map<string, Definition>();

  constructor(private readonly roots: readonly ConfNode[]) {
    roots.forEach((node, order) => {
      const kind = DEFINES[node.keyword.text];
      const name = node.args[0];
      if (kind && name && !name.hasParameter && !this.defs.has(`${kind} ${name.text}`)) this.defs.set(`${kind} ${name.text}`, { order, node });
    });
  }

  check(): void {
    this.roots.forEach((root, order) => {
      const kw = root.keyword.text;
      if ((kw === 'vrrp_instance' || kw === 'vrrp_sync_group') && root.block) {
        for (const child of root.block.children) {
          const kind = TRACKS[child.keyword.text];
          if (kind && child.block) for (const line of child.block.children) this.reference(line, line.keyword, kind, order);
          if (kw === 'vrrp_sync_group' && child.keyword.text === 'group' && child.block) {
            for (const line of child.block.children) this.reference(line, line.keyword, 'vrrp_instance', undefined);
          }
        }
      }
      if (kw === 'virtual_server' && root.args[0]?.text === 'group' && root.args[1]) this.reference(root, root.args[1], 'virtual_server_group', undefined);
      if (kw === 'virtual_server' && root.block) this.checkers(root.block.children, order);
    });
  }

  /** FILE_CHECK track_file and BFD_CHECK name inside the real servers of a virtual server. */
  private checkers(children: readonly ConfNode[], order: number): void {
    for (const rs of children) {
      if (rs.keyword.text !== 'real_server' || !rs.block) continue;
      for (const checker of rs.block.children) {
        const want = checker.keyword.text === 'FILE_CHECK' ? 'track_file' : checker.keyword.text === 'BFD_CHECK' ? 'name' : undefined;
        if (!want || !checker.block) continue;
        for (const line of checker.block.children) {
          if (line.keyword.text === want && line.args[0]) this.reference(line, line.args[0], want === 'track_file' ? 'track_file' : 'bfd_instance', order);
        }
      }
    }
  }

  /** `order`: the reading order the definition must precede; undefined when anywhere will do. */
  private reference(node: ConfNode, name: ConfToken, kind: Kind, order: number | undefined): void {
    if (node.file !== undefined || name.hasParameter) return;
    const def = this.defs.get(`${kind} ${name.text}`);
    const range = name.range;
    const severity = KEEPALIVED_CODES.KAL014.severity;
    if (!def) {
      this.out.push({ range, severity, code: 'KAL014', message: `No ${kind} named '${name.text}' is defined: keepalived ignores this reference ("${name.text} not found").` });
    } else if (order !== undefined && def.order > order) {
      const where = def.node.file === undefined ? `line ${def.node.keyword.range.start.line + 1}` : `${def.node.file}:${def.node.keyword.range.start.line + 1}`;
      this.out.push({ range, severity, code: 'KAL014', message: `${kind} ${name.text} is defined after this block (${where}): keepalived 2.2.7 looks it up while reading this line, does not find it yet and ignores it. Move the ${kind} above.` });
    }
  }
}

export function referenceDiagnostics(parsed: ParsedConf): Diagnostic[] {
  // A name may come from a file an include would have read.
  if (parsed.includes.some((i) => i.matched === undefined)) return [];
  const refs = new References(parsed.nodes);
  refs.check();
  return refs.out;
}
