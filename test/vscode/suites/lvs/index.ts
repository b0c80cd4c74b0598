/** Extension-host suite for our extension (dist/extension.js) on a workspace with a broken lvs.yaml. */
import type { SuiteConfig } from '../../harness/suiteConfig';
import { runMochaSuite } from '../../harness/suiteRunner';

export const config: SuiteConfig = { workspace: 'lvs-broken', extension: 'repo' };

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
