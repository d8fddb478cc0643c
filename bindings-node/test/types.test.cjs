'use strict';
// The TypeScript declarations: a strict consumer (CommonJS and ES module flavours) must compile.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('tsc --strict --noEmit accepts the TypeScript consumers and rejects their misuses', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const project = path.join(__dirname, '..', 'testlib', 'tsconfig.json');
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
});
