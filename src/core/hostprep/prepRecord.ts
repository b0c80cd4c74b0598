/**
 * What lvsctl prepare changed on a host, kept ON the host (JSON, default /var/lib/vscode-lvs/hostprep.json),
 * so that teardown removes exactly that: the addresses it added, the sysctls it changed (with the value
 * before), the files it wrote (with the content before, or null), the links it brought up.
 */

export interface RecordedAddress {
  address: string;
  family: 'inet' | 'inet6';
  prefix: number;
  dev: string;
}

export interface PrepRecord {
  version: 1;
  addresses: RecordedAddress[];
  /** sysctl key → value before our first change (null: the sysctl did not exist, e.g. net.ipv4.vs.* before ip_vs). */
  sysctls: Record<string, string | null>;
  /** path → content before our first write (null: there was no file). */
  files: Record<string, string | null>;
  /** Links that were down and we set up. */
  links: string[];
}

export function emptyRecord(): PrepRecord {
  return { version: 1, addresses: [], sysctls: {}, files: {}, links: [] };
}

export function isEmptyRecord(r: PrepRecord): boolean {
  return r.addresses.length === 0 && Object.keys(r.sysctls).length === 0 && Object.keys(r.files).length === 0 && r.links.length === 0;
}

/** Parses the record file; undefined content (no file) is an empty record. Throws on a corrupt file. */
export function parseRecord(content: string | null | undefined, path: string): PrepRecord {
  if (content === null || content === undefined || content.trim() === '') return emptyRecord();
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    throw new Error(`${path} is not valid JSON; remove it only if you know what lvsctl prepare changed on this host`);
  }
  const r = data as Partial<PrepRecord>;
  if (typeof r !== 'object' || r === null || r.version !== 1) throw new Error(`${path}: unknown record version`);
  return {
    version: 1,
    addresses: Array.isArray(r.addresses) ? r.addresses : [],
    sysctls: typeof r.sysctls === 'object' && r.sysctls !== null ? r.sysctls : {},
    files: typeof r.files === 'object' && r.files !== null ? r.files : {},
    links: Array.isArray(r.links) ? r.links : [],
  };
}

export function serializeRecord(r: PrepRecord): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** `base` plus what `added` adds; earlier "before" values win (they are the real originals). */
export function mergeRecords(base: PrepRecord, added: PrepRecord): PrepRecord {
  const out: PrepRecord = {
    version: 1,
    addresses: [...base.addresses],
    sysctls: { ...added.sysctls, ...base.sysctls },
    files: { ...added.files, ...base.files },
    links: [...new Set([...base.links, ...added.links])],
  };
  for (const a of added.addresses) {
    if (!out.addresses.some((x) => x.address === a.address && x.dev === a.dev)) out.addresses.push(a);
  }
  return out;
}
