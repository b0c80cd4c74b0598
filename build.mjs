// Bundles the extension (Node, CommonJS, `vscode` external) and the lvsctl CLI with esbuild.
// The webview bundle (browser) is added by webview/build when it exists.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
/** `--out=DIR` writes the bundles under DIR instead of the project (the packaging test builds into a scratch copy). */
const outRoot = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);

/** ssh2 optionally loads native helpers; they are not needed (pure JS fallbacks exist). */
const nodeExternals = ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'];

const targets = [
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: nodeExternals },
  { entryPoints: ['src/cli/lvsctl.ts'], outfile: 'dist/lvsctl.js', platform: 'node', format: 'cjs', external: nodeExternals },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', external: [] },
]
  .filter((t) => existsSync(t.entryPoints[0]))
  .map((t) => (outRoot ? { ...t, outfile: join(outRoot, t.outfile) } : t));

const common = {
  bundle: true,
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context({ ...common, ...t, target: t.platform === 'browser' ? 'es2022' : 'node20' });
    await ctx.watch();
  }
  console.log('esbuild: watching', targets.map((t) => t.outfile).join(', '));
} else {
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t, target: t.platform === 'browser' ? 'es2022' : 'node20' })));
  console.log('esbuild: built', targets.map((t) => t.outfile).join(', '));
}
