// Loads the TypeScript fuzz worker in a worker thread.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
