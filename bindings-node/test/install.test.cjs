'use strict';
// Installing the development tooling: `npm ci` with the running Node (20 here and in CI, the version the README
// names) prints no engine warning. npm warns for each package it installs whose `engines.node` rejects the running
// Node; the lockfile records each package's `engines`, `os`, `cpu` and `libc`: the same check on the same data.

const test = require('node:test');
const assert = require('node:assert/strict');
const semver = require('semver');

const lock = require('../package-lock.json');

/** Whether npm would install this lockfile entry here (optional platform packages for other machines are skipped). */
function installedHere(entry) {
  const libc = process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
  const fits = (list, value) => !list || list.includes(value) || (list.some((v) => v.startsWith('!')) && !list.includes(`!${value}`));
  return !entry.optional || (fits(entry.os, process.platform) && fits(entry.cpu, process.arch) && fits(entry.libc, libc));
}

test('every package npm ci installs accepts the running Node (no engine warning)', () => {
  const rejecting = Object.entries(lock.packages)
    .filter(([where, entry]) => where && installedHere(entry) && entry.engines?.node)
    .filter(([, entry]) => !semver.satisfies(process.version, entry.engines.node, { includePrerelease: true }))
    .map(([where, entry]) => `${where.replace(/^.*node_modules\//, '')} wants node ${entry.engines.node}`);
  assert.deepEqual(rejecting, []);
});
