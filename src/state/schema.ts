import { z } from 'zod';
import { SECTION_IDS, type Outputs, type PlanAction, type SectionId } from './step-terms.js';
import type { ClassifiedError } from '../errors/error-kinds.js';

/** The state file format (docs/state-and-resume.md#the-state-file). Bump on an incompatible change; older tools refuse newer files. */
export const STATE_VERSION = 1;

/** A mutating AWS call that was sent (or about to be) when the step stopped, with its ClientToken. */
export interface PendingOperation {
  action: string;
  clientToken?: string;
  startedAt: string;
}

export type PersistedStep =
  | { status: 'running'; mode: 'up' | 'down'; startedAt: string; outputs: Outputs; pendingOperation?: PendingOperation }
  | { status: 'done'; action: PlanAction; finishedAt: string; outputs: Outputs }
  | {
      status: 'failed';
      mode: 'up' | 'down';
      finishedAt: string;
      outputs: Outputs;
      error: ClassifiedError;
      pendingOperation?: PendingOperation;
    };

export interface RunRecord {
  id: string;
  command: 'up' | 'down';
  sections: SectionId[];
  startedAt: string;
  pid: number;
  host: string;
  finishedAt?: string;
  outcome?: 'ok' | 'failed' | 'aborted' | 'declined';
}

export interface PersistedState {
  version: 1;
  /** Lower-case project key (the aws-runbook:project tag). */
  project: string;
  region: string;
  /** The AWS account the resources live in, once known. */
  account?: string;
  /** The custom endpoint (emulator) the run talked to, if any. */
  endpoint?: string;
  createdAt: string;
  updatedAt: string;
  lastRun?: RunRecord;
  /** Per step id. A step with no entry is pending. */
  steps: Record<string, PersistedStep>;
}

const timestamp = z.iso.datetime({ offset: true });
const outputsSchema = z.record(z.string(), z.string());
const modeSchema = z.enum(['up', 'down']);

const pendingOperationSchema = z.object({
  action: z.string().min(1),
  clientToken: z.string().optional(),
  startedAt: timestamp,
});

const classifiedErrorSchema = z.object({
  kind: z.enum(['auth', 'permission', 'quota', 'conflict', 'throttled', 'transient', 'not-found', 'invalid', 'aborted', 'unknown']),
  code: z.string().optional(),
  message: z.string(),
  hint: z.string(),
  retryable: z.boolean(),
});

const persistedStepSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('running'),
    mode: modeSchema,
    startedAt: timestamp,
    outputs: outputsSchema,
    pendingOperation: pendingOperationSchema.optional(),
  }),
  z.object({
    status: z.literal('done'),
    action: z.enum(['create', 'adopt', 'no-change', 'conflict']),
    finishedAt: timestamp,
    outputs: outputsSchema,
  }),
  z.object({
    status: z.literal('failed'),
    mode: modeSchema,
    finishedAt: timestamp,
    outputs: outputsSchema,
    error: classifiedErrorSchema,
    pendingOperation: pendingOperationSchema.optional(),
  }),
]);

const runRecordSchema = z.object({
  id: z.string().min(1),
  command: modeSchema,
  sections: z.array(z.enum(SECTION_IDS)),
  startedAt: timestamp,
  pid: z.number().int().nonnegative(),
  host: z.string(),
  finishedAt: timestamp.optional(),
  outcome: z.enum(['ok', 'failed', 'aborted', 'declined']).optional(),
});

/** Validates a whole state file. Typed against the interfaces above, so the two cannot drift apart. */
export const persistedStateSchema: z.ZodType<PersistedState> = z.object({
  version: z.literal(STATE_VERSION),
  project: z.string().min(1),
  region: z.string().min(1),
  account: z.string().optional(),
  endpoint: z.string().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
  lastRun: runRecordSchema.optional(),
  steps: z.record(z.string(), persistedStepSchema),
});

export function emptyState(project: string, region: string): PersistedState {
  const now = new Date().toISOString();
  return { version: STATE_VERSION, project, region, createdAt: now, updatedAt: now, steps: {} };
}
