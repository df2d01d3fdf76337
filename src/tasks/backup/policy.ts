import { bucketArn } from '../storage/names.js';
import { BACKUP_PREFIX } from './names.js';

/**
 * The IAM documents of the backup role, and how to compare them with what IAM answers. Pure.
 * IAM hands documents back URL-encoded and may reorder or re-shape them (a one-element array for a
 * string), so they are compared by meaning, not by text.
 */

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** Only EC2 may take the role: it is the shop instance's, through its instance profile. */
export function trustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}

/**
 * Write dumps, nothing else: no read, no list, no delete. A host that is broken into can add objects
 * under backups/ but not read or destroy the existing ones (the bucket is versioned: an overwrite keeps
 * the old version).
 */
export function putDumpsPolicy(bucket: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'PutDbDumps', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucketArn(bucket)}/${BACKUP_PREFIX}*` }],
  };
}

/** A document as IAM answers it (URL-encoded JSON; emulators may send it plain). Undefined when unreadable. */
export function decodePolicyDocument(text: string | undefined): unknown {
  if (!text) return undefined;
  for (const candidate of [text, safeDecode(text)]) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Keys whose value may be a string or a list of strings, with the same meaning. */
const LIST_KEYS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

function normalizeValue(key: string, value: unknown): unknown {
  if (LIST_KEYS.has(key)) return (Array.isArray(value) ? value.map(String) : [String(value)]).sort();
  if (key === 'Principal' && typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, (Array.isArray(v) ? v.map(String) : [String(v)]).sort()]),
    );
  }
  return value;
}

/** A statement's meaning: Sid dropped (a label), list-or-string values as sorted lists, keys sorted. */
function normalizeStatement(statement: unknown): string {
  const record = typeof statement === 'object' && statement !== null ? (statement as Record<string, unknown>) : {};
  const entries = Object.entries(record)
    .filter(([key]) => key !== 'Sid')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => [key, normalizeValue(key, value)]);
  return JSON.stringify(Object.fromEntries(entries));
}

/** Whether two policy documents grant the same thing (same statements, in any order). */
export function samePolicy(actual: unknown, wanted: PolicyDocument): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const doc = actual as { Version?: unknown; Statement?: unknown };
  if (doc.Version !== wanted.Version) return false;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const a = statements.map(normalizeStatement).sort();
  const b = wanted.Statement.map(normalizeStatement).sort();
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
