// Loads the TypeScript parse worker in plain Node (the web host runs from the CLI, through tsx).
import { register } from 'tsx/esm/api';

register();
await import('./parseWorker.ts');
