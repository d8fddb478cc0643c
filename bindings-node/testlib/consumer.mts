// A strict TypeScript consumer (ES module flavour): the `import` condition's types.
import DefaultLangdock, { Langdock, ConfigurationError, type Trigger, type WithMeta } from 'langdock';
import { Emulator } from 'langdock/testing';

export async function run(): Promise<string> {
  using emulator = new Emulator();
  const client: Langdock = new DefaultLangdock({ baseUrl: emulator.baseUrl, apiKey: emulator.apiKey });
  const { id } = await client.integrations.create({ name: 'ESM' });
  const trigger: WithMeta<Trigger> = await client.triggers.create(id, { name: 'Poll', pollingCode: 'return [];' });
  try {
    new Langdock({ apiKey: '' });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
  }
  return `${trigger.name} ${trigger.attempts}`;
}
