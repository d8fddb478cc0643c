#!/usr/bin/env node
'use strict';
// `langdock`'s prepack and postpack: the packed package.json gets one optional dependency per platform package
// (`langdock-linux-x64-gnu`, ... from `napi.targets`, at this version), as `napi prepublish` adds them. They are
// not in the committed package.json because `npm ci` needs every dependency in the lockfile, and the platform
// packages are not on the registry until they are published. postpack puts the committed file back.
//
//   node scripts/pack-main.cjs add|restore

const fs = require('node:fs');
const path = require('node:path');
const { supportedPlatforms, PREFIX } = require('../lib/native.js');

const manifest = path.join(__dirname, '..', 'package.json');
const backup = path.join(__dirname, '..', '.package.json.prepack');

if (process.argv[2] === 'add') {
  const text = fs.readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  const wanted = Object.fromEntries(supportedPlatforms().map((key) => [PREFIX + key, pkg.version]));
  if (pkg.optionalDependencies) {
    // Already added (e.g. by `napi prepublish` in the release pipeline): fine if they are the same.
    const sorted = (deps) => JSON.stringify(Object.entries(deps).sort());
    if (sorted(pkg.optionalDependencies) === sorted(wanted)) process.exit(0);
    console.error(`pack-main: optionalDependencies must be one per napi target at ${pkg.version}: ${sorted(wanted)}`);
    process.exit(1);
  }
  fs.writeFileSync(backup, text);
  pkg.optionalDependencies = wanted;
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (process.argv[2] === 'restore') {
  if (fs.existsSync(backup)) fs.renameSync(backup, manifest);
} else {
  console.error('usage: node scripts/pack-main.cjs add|restore');
  process.exit(2);
}
