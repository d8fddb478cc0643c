'use strict';
// LANGDOCK_LOG: the core's events on stderr at the level it names (default warn), never the key.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const child = path.join(__dirname, '..', 'testlib', 'log-child.js');

function stderrOf(level) {
  const env = { ...process.env };
  delete env.LANGDOCK_LOG;
  if (level !== undefined) env.LANGDOCK_LOG = level;
  const result = spawnSync(process.execPath, [child], { env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'done');
  return result.stderr;
}

test('LANGDOCK_LOG=debug shows the attempts and retries on stderr, without the key', () => {
  const stderr = stderrOf('debug');
  assert.match(stderr, /langdock/);
  assert.match(stderr, /DEBUG/);
  assert.equal(stderr.includes('sk-ld-log-secret'), false);
});

test('LANGDOCK_LOG=off and the default (warn) stay quiet for a call that succeeds after a retry', () => {
  assert.equal(stderrOf('off'), '');
  assert.equal(stderrOf(undefined).includes('DEBUG'), false);
  assert.equal(stderrOf(undefined).includes('INFO'), false);
});

