'use strict';
// Load time of one package in this fresh process: `node load.cjs langdock` prints the milliseconds its
// `require` took (for langdock: the facade, the loader and the native addon).

const name = process.argv[2];
const started = process.hrtime.bigint();
require(name);
process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e6}\n`);
