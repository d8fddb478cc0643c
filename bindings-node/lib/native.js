'use strict';
// Loads the native addon through the loader `napi build --platform` generates in ../native/.

function loadNative() {
  try {
    return require('../native/index.js');
  } catch (error) {
    const hint =
      'the langdock native addon could not be loaded: build it with `npm run build` (or `make test-node`) ' +
      'in bindings-node/, or install a published package for this platform (linux x64 gnu)';
    throw new Error(`${hint}: ${error.message}`, { cause: error });
  }
}

module.exports = { loadNative };
