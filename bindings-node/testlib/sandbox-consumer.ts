// A strict TypeScript consumer of `langdock/sandbox`: compiled with `tsc --strict --noEmit` by test/types.test.cjs.
import { runCode, CodeError, type RunOptions, type RunResult, type RequestRecord } from 'langdock/sandbox';

async function main(): Promise<void> {
  const options: RunOptions = { input: { city: 'Berlin' }, auth: { apiKey: 'k' }, kind: 'action', timeLimit: 1_000 };
  const run: RunResult = await runCode('return data.input.city;', options);
  const logs: string[] = run.logs;
  const first: RequestRecord | undefined = run.requests[0];
  const status: number | null | undefined = first?.status;
  void [logs, status, run.result, run.violations];
  try {
    await runCode('throw new Error("x")');
  } catch (error) {
    if (error instanceof CodeError) {
      const line: number | undefined = error.line;
      void [line, error.kind];
    }
  }
  // @ts-expect-error kind is one of three strings
  await runCode('return 1;', { kind: 'workflow' });
}
void main;
