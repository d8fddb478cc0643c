#!/usr/bin/env node
// Run by `make docs-node` on typedoc's JSON output: every exported class of the TypeScript reference (the
// client, each resource, each error class, the emulator) carries an @example. typedoc's own validation already
// fails on an export without a description. Usage: node tools/check_ts_docs.cjs target/docs/node.json
'use strict';

const { readFileSync } = require('node:fs');

const CLASS = 128; // typedoc's ReflectionKind.Class
const project = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const classes = [];
(function walk(reflection) {
  if (reflection.kind === CLASS) classes.push(reflection);
  for (const child of reflection.children || []) walk(child);
})(project);

const missing = classes.filter(
  (c) => !((c.comment && c.comment.blockTags) || []).some((tag) => tag.tag === '@example'),
);
for (const c of missing) console.error(`typescript docs: class ${c.name} has no @example`);
if (classes.length === 0 || missing.length > 0) {
  console.error(`typescript docs: ${missing.length} of ${classes.length} classes without an example`);
  process.exit(1);
}
console.log(`typescript docs: all ${classes.length} exported classes have an example`);
