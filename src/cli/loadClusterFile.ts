import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../core/diagnostics';
import { loadClusterText } from '../core/operations/clusterSelection';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import { UsageError } from './cliIo';
import type { CliIo } from './cliIo';

/**
 * Reads FILE, validates it and picks the cluster (`--cluster`, or the only one). On failure prints what is
 * wrong (each error as `file:line:col`) and returns the exit code: 2 unreadable or no such cluster, 1 errors;
 * a missing `--cluster` with several clusters is a usage error.
 */
export async function loadClusterFile(command: string, file: string, name: string | undefined, io: CliIo): Promise<LoadedCluster | number> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
  } catch (err) {
    io.stderr.write(`lvsctl ${command}: ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
    return 2;
  }
  const selection = loadClusterText(text, name, file);
  if (selection.ok) return selection.loaded;
  switch (selection.reason) {
    case 'errors':
      for (const d of selection.errors) io.stderr.write(`${formatDiagnostic(file, d)}\n`);
      io.stderr.write(`lvsctl ${command}: ${file} has errors; nothing was done (lvsctl validate ${file})\n`);
      return 1;
    case 'ambiguous':
    case 'empty':
      throw new UsageError(`${selection.message}${selection.reason === 'ambiguous' ? ' with --cluster' : ''}`);
    case 'unknown':
      io.stderr.write(`lvsctl ${command}: ${selection.message}\n`);
      return 2;
  }
}
