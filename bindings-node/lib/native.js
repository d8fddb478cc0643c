'use strict';
// Finds the native addon for this platform, the napi-rs way: one package per platform (`langdock-linux-x64-gnu`,
// ...), each an optional dependency of `langdock`, so npm installs only the one whose os/cpu/libc match. In this
// repository the addon that `napi build --platform --output-dir native` wrote comes first.

const fs = require('node:fs');
const path = require('node:path');

const PREFIX = 'langdock-';

/** `gnu` or `musl`: the C library this Linux process runs on. */
function linuxLibc() {
  // ldd names its C library (glibc's is a script saying so; musl's is the musl loader): a quick read. The
  // process report (about 20 ms) names the glibc version when there is one, for systems without ldd.
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library')) return 'gnu';
  } catch {
    // no ldd (e.g. a distroless image): ask the report
  }
  try {
    const report = process.report?.getReport?.();
    const header = typeof report === 'string' ? JSON.parse(report).header : report?.header;
    if (header) return header.glibcVersionRuntime ? 'gnu' : 'musl';
  } catch {
    // no report either: glibc is by far the most common
  }
  return 'gnu';
}

/**
 * This process's platform as napi-rs names it (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`), and as words
 * for an error message.
 */
function currentPlatform() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const libc = linuxLibc();
    return { key: `${platform}-${arch}-${libc}`, words: `${platform} ${arch} ${libc === 'gnu' ? 'glibc' : 'musl'}` };
  }
  if (platform === 'win32') return { key: `${platform}-${arch}-msvc`, words: `${platform} ${arch} msvc` };
  return { key: `${platform}-${arch}`, words: `${platform} ${arch}` };
}

/** napi-rs's name of a Rust target's platform: `aarch64-unknown-linux-musl` is `linux-arm64-musl`. */
function platformOfTarget(triple) {
  const [cpu, , system, abi] = triple.split('-');
  const arch = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[cpu] ?? cpu;
  const os = { linux: 'linux', darwin: 'darwin', windows: 'win32' }[system] ?? system;
  return [os, arch, ...(abi ? [abi] : [])].join('-');
}

/**
 * The platforms with a package: `napi.targets` of package.json, the one list that the release builds, the
 * packed `optionalDependencies` (scripts/pack-main.cjs) and this loader all follow.
 */
function supportedPlatforms() {
  return require('../package.json').napi.targets.map(platformOfTarget);
}

function isNotFound(error, request) {
  return error?.code === 'MODULE_NOT_FOUND' && String(error.message).includes(`'${request}'`);
}

/**
 * The native module: the development build in ../native/ if there is one, else the installed platform package.
 * Throws an Error (code `ERR_LANGDOCK_NATIVE_MISSING`) that names the platform and what to do when neither loads.
 */
function loadNative() {
  const { key, words } = currentPlatform();
  const supported = supportedPlatforms();
  const packageName = PREFIX + key;

  const devBuild = path.join(__dirname, '..', 'native', `langdock.${key}.node`);
  if (fs.existsSync(devBuild)) return require(devBuild);

  let message;
  let cause;
  try {
    return require(packageName);
  } catch (error) {
    cause = error;
    if (!isNotFound(error, packageName)) {
      message =
        `langdock: the native addon for ${words} (${packageName}) is installed but does not load: ${error.message}. ` +
        'Reinstall langdock on this machine (the addon needs glibc 2.17 or newer on Linux gnu).';
    } else if (supported.includes(key)) {
      message =
        `langdock: the native addon for this platform, ${words}, is not installed (the package ${packageName}, ` +
        'an optional dependency of langdock). Reinstall without --omit=optional / --no-optional, and run ' +
        'npm install on this platform rather than copying node_modules or a lockfile made on another one ' +
        '(e.g. `rm -rf node_modules && npm install`).';
    } else {
      message = `langdock: this platform, ${words}, is not supported (no package ${packageName}).`;
    }
  }
  const error = new Error(`${message} Supported platforms: ${supported.join(', ')}.`, { cause });
  error.code = 'ERR_LANGDOCK_NATIVE_MISSING';
  error.platform = key;
  error.supportedPlatforms = supported;
  throw error;
}

module.exports = { loadNative, currentPlatform, supportedPlatforms, platformOfTarget, PREFIX };
