#!/usr/bin/env node
'use strict';
// The lvsctl CLI: a thin entry over the bundled core (dist/lvsctl.js, built by `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'lvsctl.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('lvsctl: dist/lvsctl.js is missing; run `npm run build` in ' + path.dirname(__dirname) + '\n');
  process.exit(2);
}
require(bundle)
  .main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
  .then((code) => { process.exitCode = code; })
  .catch((err) => { process.stderr.write(`lvsctl: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; });
