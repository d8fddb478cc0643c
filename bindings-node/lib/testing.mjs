// The ES module entry point of `langdock/testing`.
import cjs from './testing.js';

export const { Emulator } = cjs;
