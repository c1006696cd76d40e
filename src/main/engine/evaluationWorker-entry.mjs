// Loads the TypeScript evaluation worker in plain Node (CLI, web host, tests); the Electron build bundles
// evaluationWorker.ts instead (src/main/electron/evaluationWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./evaluationWorker.ts');
