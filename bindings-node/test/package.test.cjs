'use strict';
// The install path users take: `npm pack`, then `npm install <tarball>` in a fresh project outside the repo,
// used from a .cjs script, a .mjs script and strict TypeScript.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd, env = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('the packed tarball installs into a fresh project and works from CJS, ESM and TypeScript', { timeout: 240_000 }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langdock-pack-'));
  try {
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], root));
    const files = packed[0].files.map((f) => f.path);
    assert.ok(files.includes('lib/index.js') && files.includes('lib/index.d.ts') && files.includes('lib/index.mjs'));
    assert.ok(files.some((f) => /^native\/langdock\..+\.node$/.test(f)), 'the native addon is in the tarball');
    assert.equal(files.some((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('testlib/')), false);

    const project = path.join(work, 'app');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    run(npm, ['install', '--no-save', '--offline', path.join(work, packed[0].filename)], project);

    const flow = `
      const emulator = new Emulator();
      const client = new Langdock({ ...emulator.clientOptions() });
      const { id } = await client.integrations.create({ name: 'Installed' });
      const action = await client.actions.create(id, { name: 'A', inputFields: [{ label: 'City' }] });
      let notFound = false;
      try { await client.integrations.get('00000000-0000-4000-8000-000000000000'); } catch (e) { notFound = e instanceof NotFoundError; }
      emulator.stop();
      console.log(JSON.stringify({ slug: action.inputFields[0].slug, attempts: action.attempts, notFound }));`;
    fs.writeFileSync(
      path.join(project, 'main.cjs'),
      `const { Langdock, NotFoundError } = require('langdock');\nconst { Emulator } = require('langdock/testing');\n(async () => {${flow}})();\n`,
    );
    fs.writeFileSync(
      path.join(project, 'main.mjs'),
      `import { Langdock, NotFoundError } from 'langdock';\nimport { Emulator } from 'langdock/testing';\n${flow}\n`,
    );
    for (const script of ['main.cjs', 'main.mjs']) {
      const out = JSON.parse(run(process.execPath, [script], project));
      assert.deepEqual(out, { slug: 'city', attempts: 1, notFound: true }, script);
    }

    fs.writeFileSync(
      path.join(project, 'main.ts'),
      `import { Langdock, RateLimitError, type Action, type WithMeta } from 'langdock';
       import { Emulator } from 'langdock/testing';
       export async function go(): Promise<number | null> {
         const emulator = new Emulator();
         const client = new Langdock(emulator.clientOptions());
         const { id } = await client.integrations.create({ name: 'TS' });
         const action: WithMeta<Action> = await client.actions.create(id, { name: 'A' });
         try { await client.integrations.list({ maxRetries: 0 }); } catch (e) { if (e instanceof RateLimitError) return e.retryAfter; }
         emulator.stop();
         return action.attempts;
       }\n`,
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          typeRoots: [path.join(root, 'node_modules', '@types')],
        },
        files: ['main.ts'],
      }),
    );
    run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], project);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
