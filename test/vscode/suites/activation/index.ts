/**
 * Extension-host suite on a workspace with no cluster file (fixtures/workspaces/lvs-empty): the extension is
 * not activated at start-up there, so the suite can time a real activation (module load + activate()).
 */
import type { SuiteConfig } from '../../harness/suiteConfig';
import { runMochaSuite } from '../../harness/suiteRunner';

export const config: SuiteConfig = { workspace: 'lvs-empty', extension: 'repo' };

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
