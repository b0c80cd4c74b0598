/** Harness self-test suite: runs against the fixture extension test/vscode/fixtures/helloExtension. */
import type { SuiteConfig } from '../../harness/suiteConfig';
import { runMochaSuite } from '../../harness/suiteRunner';

export const config: SuiteConfig = { workspace: 'hello', extension: 'hello' };

export function run(): Promise<void> {
  return runMochaSuite(__dirname);
}
