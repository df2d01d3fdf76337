import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FaultRule } from './fault-rules.js';
import type { LatencyOptions } from './latency.js';
import { LabMapError, labMapFromText, type LabMap } from './lab-map.js';
import { controlAccessRefusal, type ControlAccess } from './control-access.js';

/** Requests under this path are the gateway's own control API and never reach moto. */
export const CONTROL_PREFIX = '/_sandbox/';

/** What the control API can do to a gateway. */
export interface GatewayControls {
  logSnapshot(): unknown;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  setLatency(latency: LatencyOptions): void;
  resetLog(): void;
  setLab(lab: LabMap | undefined): void;
  /** The addresses the lab map answers for: the only ones a tool may connect to through this sandbox. */
  labAddresses(): string[];
}

const faultKind = z.enum(['throttle', 'server-error', 'drop-response', 'permission-denied', 'quota-exceeded']);

/** A FaultRule as JSON: `action` is a string, or `{"regex": "^Create"}` for a pattern. */
const faultRuleJson = z.object({
  action: z.union([z.string().min(1), z.object({ regex: z.string().min(1), flags: z.string().optional() })]),
  kind: faultKind,
  share: z.number().min(0).max(1).optional(),
  times: z.number().int().min(0).optional(),
  service: z.string().min(1).optional(),
  mutatingOnly: z.boolean().optional(),
  oncePerRequest: z.boolean().optional(),
});

const latencyJson = z.object({
  scale: z.number().min(0),
  perKindMs: z.record(z.string(), z.number().min(0)).optional(),
  readyAfterMs: z
    .object({ instance: z.number().min(0), natGateway: z.number().min(0), dbInstance: z.number().min(0), vpcPeering: z.number().min(0) })
    .partial()
    .strict()
    .optional(),
});

export function isControlRequest(url: string | undefined): boolean {
  return (url ?? '').startsWith(CONTROL_PREFIX);
}

const MAX_CONTROL_BODY = 64 * 1024;
/** A lab map carries console outputs (a boot log with host key fingerprints): more room. */
const MAX_LAB_BODY = 1024 * 1024;

async function readText(request: IncomingMessage, limit = MAX_CONTROL_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`control request body too large (over ${limit} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const text = await readText(request);
  return text.trim() === '' ? {} : JSON.parse(text);
}

function reply(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body, null, 2);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

export function faultRuleFromJson(json: unknown): FaultRule {
  const parsed = faultRuleJson.parse(json);
  const action = typeof parsed.action === 'string' ? parsed.action : new RegExp(parsed.action.regex, parsed.action.flags);
  return { ...parsed, action };
}

/** Serve one control request (log, faults, latency, reset-log, lab) from the gateway's owner; refuse anyone else's. */
export async function handleControlRequest(request: IncomingMessage, response: ServerResponse, controls: GatewayControls, access: ControlAccess): Promise<void> {
  const refusal = controlAccessRefusal(request.headers, access);
  if (refusal) {
    request.resume(); // the body is not read: a refused request changes nothing
    return reply(response, refusal.status, { error: refusal.error, hint: refusal.hint });
  }
  const route = `${request.method ?? 'GET'} ${(request.url ?? '').split('?')[0]}`;
  try {
    switch (route) {
      case 'GET /_sandbox/log':
        return reply(response, 200, controls.logSnapshot());
      case 'POST /_sandbox/faults':
        controls.inject(faultRuleFromJson(await readJson(request)));
        return reply(response, 201, { ok: true });
      case 'DELETE /_sandbox/faults':
        controls.clearFaults();
        return reply(response, 204);
      case 'PUT /_sandbox/latency':
        controls.setLatency(latencyJson.parse(await readJson(request)));
        return reply(response, 204);
      case 'POST /_sandbox/reset-log':
        controls.resetLog();
        return reply(response, 204);
      case 'POST /_sandbox/lab':
        // Parsed from text by lab-map.ts: its errors never quote the map (it may hold secrets).
        controls.setLab(labMapFromText(await readText(request, MAX_LAB_BODY), 'POST /_sandbox/lab'));
        return reply(response, 204);
      case 'GET /_sandbox/lab/addresses':
        return reply(response, 200, { addresses: controls.labAddresses() });
      case 'DELETE /_sandbox/lab':
        controls.setLab(undefined);
        return reply(response, 204);
      default:
        return reply(response, 404, { error: `no control route ${route}` });
    }
  } catch (error) {
    if (error instanceof LabMapError) return reply(response, 400, { error: error.message, hint: error.hint });
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    return reply(response, 400, { error: message });
  }
}
