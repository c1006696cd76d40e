// Content addressing of stored models and devices: equal content, equal text, equal hash.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content gives equal text (and hash) whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const source = v as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(source).sort()) sorted[k] = source[k];
    return sorted;
  });
}

export const contentHash = (json: string): string => createHash('sha256').update(json).digest('hex');
