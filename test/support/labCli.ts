/**
 * What the lab tests that drive `lvsctl` share: the lab (ensured before the suite), a scratch dir with our
 * own trust store, `lvsctl` run in-process with its output captured, the lab's cluster file with another
 * forwarding method, and a lab reset after the suite. Call `labCliSuite` inside a `describe`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { ensureLab, resetLab, withLabLock } from './lab';
import type { LabInfo } from './lab';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `lvsctl ARGS` in this process, stdout and stderr captured. */
export async function lvsctl(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

export interface LabCli {
  /** Set once the suite's `before` ran. */
  readonly lab: LabInfo;
  readonly dir: string;
  /** `--trust-store DIR/trust`: host keys accepted by the suite stay in its scratch dir. */
  trustArgs(): string[];
  /** The lab's cluster file with every real server on `method`, written into the scratch dir. */
  clusterFile(method: 'dr' | 'nat' | 'tun'): string;
}

export function labCliSuite(name: string): LabCli {
  let lab: LabInfo | undefined;
  let dir: string | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is set in the suite's before hook`);
    return v;
  };
  before(async () => {
    lab = await ensureLab();
    dir = mkdtempSync(join(tmpdir(), `${name}-lab-`));
  });
  after(async () => {
    if (lab) await withLabLock(() => resetLab());
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const cli: LabCli = {
    get lab() { return need(lab, 'lab'); },
    get dir() { return need(dir, 'dir'); },
    trustArgs: () => ['--trust-store', join(cli.dir, 'trust')],
    clusterFile(method) {
      const path = join(cli.dir, `lab-${method}.lvs.yaml`);
      writeFileSync(path, readFileSync(cli.lab.lvsYaml, 'utf8').replace(/method: dr/g, `method: ${method}`));
      return path;
    },
  };
  return cli;
}
