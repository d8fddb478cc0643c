// The ES module entry point of `langdock/sandbox`.
import cjs from './sandbox.js';

export const { runCode, CodeError } = cjs;
