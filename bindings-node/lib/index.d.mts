export * from './index.js';
import { Langdock } from './index.js';
/** `import Langdock from 'langdock'`: the client class, beside the named exports. */
export default Langdock;
