#!/usr/bin/env node
'use strict';
// The check `npm pack` runs on a platform package (its `prepack`, from bindings-node/npm/<platform>/), and that
// `make release-node` runs on the release addon: the addon is a release build (the marker src/lib.rs embeds),
// stays under 10 MB, and on Linux glibc needs glibc 2.17 at most (its versioned symbols). Prints the facts it
// checked; exits 1 with the reason otherwise.
//
//   node scripts/check-addon.cjs [<file.node>]   (default: the `main` of ./package.json)

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// 10 MB in decimal, as the issue says and as the Python wheel's check counts: an addon of 10,000,000 bytes is refused.
const MAX_BYTES = 10_000_000;
const MAX_GLIBC = [2, 17];
const MARKER = 'langdock-build-profile:';

function fail(message) {
  console.error(`check-addon: ${message}`);
  process.exit(1);
}

/** The highest GLIBC_x.y among the addon's versioned symbols (`objdump -T`), as [x, y], or null for none. */
function maxGlibc(file) {
  let table;
  try {
    table = execFileSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    fail(`objdump -T ${file} failed (binutils is needed to check the glibc floor): ${error.message}`);
  }
  let max = null;
  for (const [, major, minor] of table.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const version = [Number(major), Number(minor)];
    if (!max || version[0] > max[0] || (version[0] === max[0] && version[1] > max[1])) max = version;
  }
  return max;
}

function main() {
  let file = process.argv[2];
  let libc = null;
  if (!file) {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    file = pkg.main;
    libc = pkg.libc?.[0] ?? null;
  } else if (/linux-[^.]+-gnu\.node$/.test(file)) {
    libc = 'glibc';
  }
  if (!file || !fs.existsSync(file)) {
    fail(`no addon at ${path.resolve(file ?? '.')}: build it first (make release-node)`);
  }
  const bytes = fs.readFileSync(file);
  // Every problem is reported, not only the first: a host debug build is refused for all three reasons.
  const problems = [];

  const at = bytes.indexOf(MARKER);
  const profile = at < 0 ? null : /^(debug|release)/.exec(bytes.subarray(at + MARKER.length, at + MARKER.length + 7))?.[1];
  if (profile !== 'release') {
    problems.push(
      `${file} is ${profile ? `a ${profile}` : 'not a langdock'} build: only a release build ships ` +
        '(make release-node, or napi build --platform --release)',
    );
  }

  // The exact count too: rounded to 2 decimals, an addon a byte under the limit would read as 10.00 MB.
  const size = `${(bytes.length / 1e6).toFixed(2)} MB (${bytes.length} bytes)`;
  if (bytes.length >= MAX_BYTES) problems.push(`${file} is ${size}, over the 10 MB limit (${MAX_BYTES} bytes)`);
  const facts = [size, `${profile ?? 'unknown'} build`];

  if (libc === 'glibc') {
    const max = maxGlibc(file);
    const shown = max ? `GLIBC_${max.join('.')}` : 'no GLIBC symbol';
    if (max && (max[0] > MAX_GLIBC[0] || (max[0] === MAX_GLIBC[0] && max[1] > MAX_GLIBC[1]))) {
      problems.push(`${file} needs ${shown}, newer than glibc ${MAX_GLIBC.join('.')}: build it with --use-napi-cross`);
    }
    facts.push(`max ${shown}`);
  }
  if (problems.length) fail(problems.join('\ncheck-addon: '));
  console.log(`${path.basename(file)}: ${facts.join(', ')}`);
}

main();
