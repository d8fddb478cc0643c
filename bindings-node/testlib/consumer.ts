// A strict TypeScript consumer (CommonJS flavour): compiled with `tsc --strict --noEmit` by test/types.test.cjs.
// It must compile; the @ts-expect-error lines must not.

import DefaultLangdock, {
  Langdock,
  LangdockError,
  RateLimitError,
  ValidationError,
  APIUserAbortError,
  InternalError,
  NotFoundError,
  type ActionInput,
  type Action,
  type ClientOptions,
  type Deleted,
  type Integration,
  type IntegrationSummary,
  type RequestOptions,
  type UpdateAuth,
  type WithMeta,
} from 'langdock';
import { Emulator, type Fault, type JournalEntry } from 'langdock/testing';

async function main(): Promise<void> {
  const emulator = new Emulator({ rateLimit: 600 });
  const https = new Emulator({ tls: true });
  const pem: string | null = https.caPem;
  const trusting: ClientOptions = { ...https.clientOptions(), caPem: pem === null ? [] : [pem] };
  void trusting;
  https.stop();
  const options: ClientOptions = { ...emulator.clientOptions(), timeout: 5_000, maxRetries: 1, backoff: { initial: 1, max: 5 } };
  const client: Langdock = new DefaultLangdock(options);
  const list: WithMeta<IntegrationSummary[]> = await client.integrations.list();
  const attempts: number = list.attempts;
  const requestId: string | null = list.requestId;
  const first: boolean | undefined = list[0]?.buildByLangdock;

  const created = await client.integrations.create({ name: 'Typed', description: 'x' });
  const id: string = created.id;
  const body: ActionInput = {
    name: 'Get forecast',
    inputFields: [{ label: 'City', type: 'TEXT', required: true }, { label: 'Color', type: 'COLOR_FROM_THE_FUTURE' }],
  };
  const call: RequestOptions = { signal: new AbortController().signal, timeout: 1_000 };
  const action: WithMeta<Action> = await client.actions.create(id, body, call);
  const slug: string | null = action.slug;
  const inputSlugs: (string | undefined)[] = action.inputFields.map((field) => field.slug);
  const auth: UpdateAuth = { authType: 'API_KEY', authFields: [{ slug: 'apiKey', label: 'Key', type: 'PASSWORD' }] };
  const full: Integration = await client.integrations.updateAuth(id, auth);
  const unknownProperty: unknown = full['somethingNew'];
  const deleted: Deleted = await client.actions.delete(id, action.id);
  const already: boolean = deleted.alreadyDeleted;
  await client.triggers.create(id, { name: 'T', pollingCode: 'return [];' });
  await client.integrations.setIcon(id, new Uint8Array([1, 2, 3]));
  const iconUrl: string | null = (await client.integrations.icon(id)).iconUrl;

  try {
    await client.integrations.get('0b6f1c9e-8a53-4c47-9a4e-6c2f0e3f6a11');
  } catch (error) {
    if (error instanceof RateLimitError) {
      const wait: number | null = error.retryAfter;
      const status: number = error.status;
      void wait;
      void status;
    } else if (error instanceof ValidationError) {
      const paths: string[] = error.violations.map((v) => v.path);
      void paths;
    } else if (error instanceof APIUserAbortError) {
      const name: 'AbortError' = error.name;
      void name;
    } else if (error instanceof InternalError) {
      const message: string = error.message;
      void message;
    } else if (error instanceof NotFoundError || error instanceof LangdockError) {
      const fields = [error.code, error.requestId, error.attempts, error.body, error.headers, error.maybeCreated, error.cause];
      void fields;
    }
  }
  const fault: Fault = { operation: 'create_action', status: 503, headers: { 'Retry-After': '1' } };
  emulator.inject(fault).failNext('list_integrations', 429).dropNext('delete_action', 'after_body');
  const journal: JournalEntry[] = emulator.journal();
  emulator.addKey('sk-ld-other', ['ASSISTANT_API']);
  emulator.setRateLimit(null);
  emulator.stop();

  // @ts-expect-error: name is required
  await client.integrations.create({ description: 'no name' });
  // @ts-expect-error: typos in request bodies are caught
  await client.integrations.create({ name: 'x', descripton: 'typo' });
  // @ts-expect-error: ids are strings
  await client.integrations.get(42);
  // @ts-expect-error: unknown operation
  emulator.failNext('delete_everything', 500);
  // @ts-expect-error: timeouts are milliseconds as numbers
  new Langdock({ timeout: '5s' });

  void [attempts, requestId, first, slug, inputSlugs, unknownProperty, already, iconUrl, journal];
}

void main;
