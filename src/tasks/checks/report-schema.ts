import { z } from 'zod';
import { CHECK_GROUPS } from './types.js';

/**
 * The shape of `aws-runbook verify --json` (version 1), for CI consumers. Check ids are stable across
 * versions; new checks and new optional fields may be added. docs/verify-report.schema.json is this
 * schema as JSON Schema (kept in sync by a test).
 */
export const checkOutcomeSchema = z
  .object({
    id: z.string().regex(/^[a-z]+(\.[a-z0-9-]+)+$/),
    group: z.enum(CHECK_GROUPS),
    title: z.string().min(1),
    required: z.boolean(),
    status: z.enum(['pass', 'fail', 'warn', 'skip']),
    evidence: z.string().min(1),
    hint: z.string().min(1).optional(),
    details: z.array(z.string()).optional(),
    elapsedMs: z.number().int().nonnegative(),
  })
  .strict();

export const verifyReportSchema = z
  .object({
    version: z.literal(1),
    project: z.string(),
    region: z.string(),
    account: z.string().nullable(),
    endpoint: z.string().optional(),
    ok: z.boolean(),
    counts: z.object({ pass: z.number().int(), fail: z.number().int(), warn: z.number().int(), skip: z.number().int() }).strict(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    checks: z.array(checkOutcomeSchema),
  })
  .strict();

export type VerifyReportJson = z.infer<typeof verifyReportSchema>;
