/**
 * One walk over the parsed YAML document: checks the structure and every value on its own (types, ranges,
 * enums, allow-lists, unknown/duplicate/secret keys, per-service rules) and builds the model items with the
 * spans the semantic checks need. The root is read here; hosts, clusters, services and real servers by their
 * own readers (readHost, readCluster, readService, readRealServer) on one EntryReader. Cross-item rules
 * (references, duplicates, subnets) are in semanticChecks.
 */

import { isMap, isScalar, type Document } from 'yaml';
import type { DiagnosticSink } from './diagnosticSink';
import { describe, EntryReader, spanOf, type YNode } from './entryReader';
import type { ParsedFile } from './parsedFile';
import { replaceFix } from './quickFixes';
import { readCluster } from './readCluster';
import { readHost } from './readHost';

export function walkClusterFile(doc: Document.Parsed, sink: DiagnosticSink): ParsedFile {
  const r = new EntryReader(doc, sink);
  const file: ParsedFile = { hosts: [], clusters: [], nodesVisited: 0 };
  walkRoot(doc, r, file);
  file.nodesVisited = r.work;
  return file;
}

function walkRoot(doc: Document.Parsed, r: EntryReader, file: ParsedFile): void {
  const root = r.resolve(doc.contents as YNode | null);
  if (root === null || r.isEmpty(root)) {
    r.sink.report('LVS003', [0, 0], 'The file is empty; a cluster file starts with "version: 1".');
    return;
  }
  if (!isMap(root)) {
    r.sink.report('LVS006', spanOf(root), `A cluster file is a mapping with "version", "hosts" and "clusters"; found ${describe(root)}.`);
    return;
  }
  const e = r.entries(root, 'root');
  const version = e.get('version');
  if (!version) {
    r.sink.report('LVS003', r.headSpan(root), 'Missing "version: 1" (the cluster file format version).');
  } else if (!(version.value !== null && isScalar(version.value) && version.value.value === 1)) {
    r.sink.report('LVS003', version.valueSpan, `Unsupported format version ${describe(version.value)}; this extension reads "version: 1".`,
      [replaceFix('Set version to 1', r.sink.lines, version.valueSpan, '1')]);
  }
  for (const item of r.itemMaps(e.get('hosts'), 'host')) {
    const host = readHost(r, item);
    if (host) file.hosts.push(host);
  }
  for (const item of r.itemMaps(e.get('clusters'), 'cluster')) {
    const cluster = readCluster(r, item);
    if (cluster) file.clusters.push(cluster);
  }
}
