// Runs the TypeScript fuzz worker in a worker thread (tsx loads it).
import { register } from 'tsx/esm/api';

register();
await import('./tfliteWorker.ts');
