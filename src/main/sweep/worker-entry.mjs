// Loads the TypeScript worker in plain Node (CLI, web host, tests); the Electron build bundles worker.ts instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
