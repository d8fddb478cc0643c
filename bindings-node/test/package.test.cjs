'use strict';
// The install path users take: the main tarball and the linux-x64-gnu platform tarball, `npm install`ed into a
// fresh project outside the repo, used from CommonJS, an ES module, a default import and TypeScript, under Node
// and under Bun (from npm, in bindings-node/.bun/, installed by `make test-node`); the loader's error when the
// platform package is missing; and `npm pack` refusing a debug addon.
//
// By default the tarballs are packed here from the debug build `make test-node` made (the platform one with
// --ignore-scripts, since its prepack refuses debug builds: the last test checks that refusal). `make
// release-node` sets LANGDOCK_PACKED_DIR to the release tarballs it packed, so these tests install those.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Emulator } = require('langdock/testing');
const { currentPlatform, supportedPlatforms } = require('../lib/native.js');

const root = path.join(__dirname, '..');
const repo = path.join(root, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bun = path.join(root, '.bun', 'node_modules', '.bin', 'bun');
const { version } = require('../package.json');
const platform = currentPlatform().key;
const platformDir = path.join(root, 'npm', platform);
const devAddon = path.join(root, 'native', `langdock.${platform}.node`);

const npmEnv = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

/** Runs a command; resolves to { code, stdout, stderr } (a failure is a result here, not an exception). */
async function run(command, args, cwd, env = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ...npmEnv, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/** Runs a command that must succeed; its stdout. */
async function ok(command, args, cwd, env) {
  const result = await run(command, args, cwd, env);
  assert.equal(result.code, 0, `${command} ${args.join(' ')} in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'langdock-pack-'));
test.after(() => fs.rmSync(work, { recursive: true, force: true }));

/** A promise made on first use and shared after (so a skipped test never leaves a rejection unhandled). */
function once(make) {
  let promise;
  return () => (promise ??= make());
}

/** The two tarballs: the release ones `make release-node` packed, or packed here from the development build. */
const tarballs = once(async () => {
  const main = path.join(work, `langdock-${version}.tgz`);
  const native = path.join(work, `langdock-${platform}-${version}.tgz`);
  const packed = process.env.LANGDOCK_PACKED_DIR;
  if (packed) {
    fs.copyFileSync(path.join(packed, path.basename(main)), main);
    fs.copyFileSync(path.join(packed, path.basename(native)), native);
    return { main, native };
  }
  await ok(npm, ['pack', '--pack-destination', work], root);
  const stage = path.join(work, 'stage');
  fs.mkdirSync(stage);
  for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(platformDir, file), path.join(stage, file));
  fs.copyFileSync(devAddon, path.join(stage, path.basename(devAddon)));
  await ok(npm, ['pack', '--ignore-scripts', '--pack-destination', work], stage);
  return { main, native };
});

/** What the tarball holds. */
async function listing(tarball) {
  return (await ok('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean);
}

/** A fresh project outside the repo with `tarballs` installed (offline: nothing may come from the registry). */
async function project(name, tarballPaths, flags = []) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  await ok(npm, ['install', '--no-save', '--offline', ...flags, ...tarballPaths], dir);
  return dir;
}

// One flow, written once: the client, an error class and `langdock/testing` from each way of importing them.
const flow = `
  const emulator = new Emulator();
  const client = new Langdock({ ...emulator.clientOptions() });
  const { id } = await client.integrations.create({ name: 'Installed' });
  const action = await client.actions.create(id, { name: 'A', inputFields: [{ label: 'City' }] });
  let notFound = false;
  try { await client.integrations.get('00000000-0000-4000-8000-000000000000'); } catch (e) { notFound = e instanceof NotFoundError; }
  emulator.stop();
  console.log(JSON.stringify({ slug: action.inputFields[0].slug, attempts: action.attempts, notFound }));`;
const expected = { slug: 'city', attempts: 1, notFound: true };

const consumers = {
  'main.cjs': `const { Langdock, NotFoundError } = require('langdock');\nconst { Emulator } = require('langdock/testing');\n(async () => {${flow}})();\n`,
  'main.mjs': `import { Langdock, NotFoundError } from 'langdock';\nimport { Emulator } from 'langdock/testing';\n${flow}\n`,
  'default.mjs': `import Langdock from 'langdock';\nimport { Emulator } from 'langdock/testing';\nconst { NotFoundError } = Langdock;\n${flow}\n`,
  // TypeScript compiled to CommonJS (the package has no "type"): the default import goes through esModuleInterop.
  'main.ts': `import Langdock, { NotFoundError, RateLimitError, type Action, type WithMeta } from 'langdock';
    import { Emulator } from 'langdock/testing';
    async function main(): Promise<void> {${flow.replace('const action =', 'const action: WithMeta<Action> =')}
      const limited: typeof RateLimitError | null = null;
      if (limited) throw new Error('unreachable');
    }
    void main();\n`,
};

const tsconfig = {
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    outDir: 'dist',
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
  },
  files: ['main.ts'],
};

/** The fresh project with both tarballs and the consumers (TypeScript compiled by strict tsc), made once. */
const installed = once(async () => {
  const { main, native } = await tarballs();
  const dir = await project('app', [main, native]);
  for (const [file, source] of Object.entries(consumers)) fs.writeFileSync(path.join(dir, file), source);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  await ok(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], dir);
  fs.copyFileSync(path.join(repo, 'examples', 'node', 'quickstart.mjs'), path.join(dir, 'quickstart.mjs'));
  return dir;
});

/** Runs the examples' quick-start in `dir` with `runtime` against a fresh emulator; its output. */
async function quickstart(runtime, dir) {
  const emulator = new Emulator();
  try {
    const env = { LANGDOCK_BASE_URL: emulator.baseUrl, LANGDOCK_API_KEY: emulator.apiKey };
    return await ok(runtime, ['quickstart.mjs'], dir, env);
  } finally {
    emulator.stop();
  }
}

const onThisPlatform = { skip: fs.existsSync(platformDir) ? false : `no package for ${platform}`, timeout: 300_000 };

test('the main tarball holds the JavaScript and types, the platform tarball the addon', onThisPlatform, async () => {
  const { main, native } = await tarballs();
  const files = await listing(main);
  for (const file of ['lib/index.js', 'lib/index.mjs', 'lib/index.d.ts', 'lib/index.d.mts', 'lib/native.js']) {
    assert.ok(files.includes(`package/${file}`), `${file} in ${files}`);
  }
  assert.equal(files.some((f) => /\.node$|^package\/(test|src|testlib|npm|native)\//.test(f)), false, `${files}`);
  const manifest = JSON.parse(await ok('tar', ['-xzOf', main, 'package/package.json'], work));
  assert.equal(manifest.os, undefined, 'the main package installs everywhere: its platform packages carry os/cpu');
  assert.equal(manifest.cpu, undefined);
  const expectedDeps = Object.fromEntries(supportedPlatforms().map((key) => [`langdock-${key}`, version]));
  assert.deepEqual(manifest.optionalDependencies, expectedDeps, 'one optional dependency per napi target');
  assert.equal(require('../package.json').optionalDependencies, undefined, 'postpack restored package.json');
  assert.equal(fs.existsSync(path.join(root, '.package.json.prepack')), false);
  const addon = `package/langdock.${platform}.node`;
  assert.deepEqual((await listing(native)).sort(), ['package/README.md', addon, 'package/package.json']);
});

test('every napi target has its platform package in npm/, at the same version, carrying os and cpu', () => {
  const dirs = fs.readdirSync(path.join(root, 'npm')).filter((d) => !d.startsWith('.'));
  assert.deepEqual(dirs.sort(), supportedPlatforms().sort());
  for (const dir of dirs) {
    const sub = require(path.join(root, 'npm', dir, 'package.json'));
    assert.equal(sub.name, `langdock-${dir}`);
    assert.equal(sub.version, version);
    assert.ok(sub.os?.length && sub.cpu?.length, `${dir} carries os and cpu`);
    if (dir.startsWith('linux-')) assert.deepEqual(sub.libc, [dir.endsWith('-musl') ? 'musl' : 'glibc']);
    assert.equal(sub.main, `langdock.${dir}.node`);
    assert.deepEqual(sub.files, [sub.main]);
    assert.match(sub.scripts.prepack, /check-addon/);
  }
});

for (const [runtime, label] of [
  [process.execPath, 'Node'],
  [bun, 'Bun'],
]) {
  test(`the installed tarballs work from CommonJS, ES modules, a default import and TypeScript under ${label}`, onThisPlatform, async () => {
    assert.ok(fs.existsSync(runtime), `${runtime} is missing: make test-node installs Bun into bindings-node/.bun`);
    const dir = await installed();
    const scripts = ['main.cjs', 'main.mjs', 'default.mjs', 'dist/main.js'];
    if (label === 'Bun') scripts.push('main.ts'); // Bun runs TypeScript itself
    for (const script of scripts) {
      const out = (await ok(runtime, [script], dir)).trim().split('\n').at(-1);
      assert.deepEqual(JSON.parse(out), expected, `${label} ${script}`);
    }
  });

  test(`the quick-start runs from the installed tarballs under ${label}`, onThisPlatform, async () => {
    const out = await quickstart(runtime, await installed());
    assert.match(out, /\[node\] created integration Weather/);
    assert.match(out, /\[node\] auth is API_KEY/);
  });
}

test('without its platform package, loading langdock names the platform and what to do', onThisPlatform, async () => {
  const { main } = await tarballs();
  const dir = await project('no-optional', [main], ['--omit=optional']);
  assert.equal(fs.existsSync(path.join(dir, 'node_modules', `langdock-${platform}`)), false);
  const probe = "try { require('langdock'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }";
  for (const runtime of [process.execPath, bun]) {
    const { code, message } = JSON.parse(await ok(runtime, ['-e', probe], dir));
    assert.equal(code, 'ERR_LANGDOCK_NATIVE_MISSING');
    assert.match(message, new RegExp(`this platform, ${currentPlatform().words}, is not installed`));
    assert.match(message, new RegExp(`the package langdock-${platform}`));
    assert.match(message, /without --omit=optional/);
    assert.match(message, /Supported platforms: linux-x64-gnu, linux-arm64-gnu, .*win32-x64-msvc\./);
  }
});

test('on a platform without a package installed or published, the error says which and lists the supported ones', onThisPlatform, async () => {
  const dir = await installed();
  // The loader reads process.platform and process.arch; a preload makes them another machine's, for real.
  fs.writeFileSync(
    path.join(dir, 'as.cjs'),
    "const [p, a] = process.env.AS.split(' ');\n" +
      "Object.defineProperty(process, 'platform', { value: p });\nObject.defineProperty(process, 'arch', { value: a });\n",
  );
  const probe = "try { require('langdock'); } catch (e) { console.log(e.code + ': ' + e.message); }";
  const arm = await ok(process.execPath, ['-r', './as.cjs', '-e', probe], dir, { AS: 'darwin arm64' });
  assert.match(arm, /^ERR_LANGDOCK_NATIVE_MISSING: .*this platform, darwin arm64, is not installed \(the package langdock-darwin-arm64,/);
  const bsd = await ok(process.execPath, ['-r', './as.cjs', '-e', probe], dir, { AS: 'freebsd x64' });
  assert.match(bsd, /this platform, freebsd x64, is not supported \(no package langdock-freebsd-x64\)\. Supported platforms: linux-x64-gnu,/);
});

test('npm pack of a platform package refuses a debug addon, and says why', { skip: fs.existsSync(devAddon) ? false : 'no debug build' }, async (t) => {
  // A debug build is what `make test-node` leaves in native/ (linked on this machine, against its glibc); a
  // platform package dir beside the real ones (so its prepack finds ../../scripts/check-addon.cjs) holds it.
  if (!fs.readFileSync(devAddon).includes('langdock-build-profile:debug')) return t.skip('native/ holds a release build');
  const stage = fs.mkdtempSync(path.join(root, 'npm', '.pack-test-'));
  const destination = fs.mkdtempSync(path.join(work, 'refused-'));
  try {
    fs.copyFileSync(path.join(platformDir, 'package.json'), path.join(stage, 'package.json'));
    fs.copyFileSync(devAddon, path.join(stage, path.basename(devAddon)));
    const result = await run(npm, ['pack', '--pack-destination', destination], stage);
    assert.notEqual(result.code, 0);
    const addon = `langdock\\.${platform}\\.node`;
    assert.match(result.stderr, new RegExp(`check-addon: ${addon} is a debug build: only a release build ships`));
    assert.match(result.stderr, new RegExp(`check-addon: ${addon} is \\d+\\.\\d+ MB \\(\\d+ bytes\\), over the 10 MB limit`));
    if (platform.endsWith('-gnu')) {
      assert.match(result.stderr, new RegExp(`check-addon: ${addon} needs GLIBC_2\\.(1[89]|[2-9]\\d), newer than glibc 2\\.17`));
    }
    assert.deepEqual(fs.readdirSync(destination), [], 'no tarball');
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
});

test('check-addon counts 10 MB in decimal: a release addon of 10,000,000 bytes is refused, one byte less ships', async () => {
  // Stand-ins with the release marker and no platform in their names (so no glibc check): only the size decides.
  const check = path.join(root, 'scripts', 'check-addon.cjs');
  const addon = (name, size) => {
    const file = path.join(work, name);
    const bytes = Buffer.alloc(size);
    bytes.write('langdock-build-profile:release');
    fs.writeFileSync(file, bytes);
    return file;
  };
  const over = await run(process.execPath, [check, addon('at-limit.node', 10_000_000)], work);
  assert.equal(over.code, 1);
  assert.match(over.stderr, /at-limit\.node is 10\.00 MB \(10000000 bytes\), over the 10 MB limit \(10000000 bytes\)/);
  const under = await ok(process.execPath, [check, addon('under-limit.node', 9_999_999)], work);
  assert.match(under, /^under-limit\.node: 10\.00 MB \(9999999 bytes\), release build$/m);
});
