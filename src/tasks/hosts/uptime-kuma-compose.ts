import { createHash } from 'node:crypto';
import { UPTIME_KUMA_PORT } from '../security/rules.js';
import { parseFacts } from './docker-remote.js';
import type { HttpAnswer } from './docker-http-check.js';

/**
 * Uptime Kuma as a Compose project in /opt/uptime-kuma rather than the seed's one-off `docker run`: the
 * file is the declared state (find compares its hash; a changed setting is a changed file), and
 * `docker compose up -d` is idempotent by itself: it creates, recreates what changed, or leaves a running
 * container alone, where `docker run` would need inspect-compare-remove-run logic to do the same. The
 * other containers on these hosts (shop, WordPress) are Compose projects too, so there is one way to
 * operate them all (`docker compose -f … logs`).
 */

export const KUMA_HOST = 'monitoring' as const;
export const KUMA_IMAGE = 'louislam/uptime-kuma:1';
export const KUMA_CONTAINER = 'uptime-kuma';
/** The seed's volume name, kept: a volume made by the seed's `docker volume create uptime-kuma` is reused. */
export const KUMA_VOLUME = 'uptime-kuma';
export const KUMA_DIR = '/opt/uptime-kuma';
export const KUMA_COMPOSE_FILE = `${KUMA_DIR}/compose.yaml`;
export const KUMA_PORT = UPTIME_KUMA_PORT;
export const KUMA_CHECK_URL = `http://localhost:${KUMA_PORT}/api/entry-page`;
/** Where Kuma is published on its host: the loopback address, nothing else. */
export const KUMA_LOOPBACK = '127.0.0.1';

export function kumaComposeFile(): string {
  return [
    '# Uptime Kuma, written by aws-runbook (step hosts.uptime-kuma.monitoring): change the runbook, not this file.',
    'name: uptime-kuma',
    'services:',
    '  uptime-kuma:',
    `    image: ${KUMA_IMAGE}`,
    `    container_name: ${KUMA_CONTAINER}`,
    '    # A container the operator stopped stays stopped after a reboot (the runbook used "always").',
    '    restart: unless-stopped',
    '    ports:',
    '      # On the host\'s loopback only: the operator and the runbook reach it through an SSH tunnel to this',
    '      # host (ssh -L 3001:localhost:3001), no other host and no security group rule is involved.',
    `      - "${KUMA_LOOPBACK}:${KUMA_PORT}:${KUMA_PORT}"`,
    '    volumes:',
    `      - ${KUMA_VOLUME}:/app/data`,
    'volumes:',
    `  ${KUMA_VOLUME}:`,
    `    name: ${KUMA_VOLUME}`,
    '',
  ].join('\n');
}

export function kumaComposeSha256(): string {
  return createHash('sha256').update(kumaComposeFile()).digest('hex');
}

/** Run as root: the compose file's hash and the container's state, as `key=value` lines. */
export const KUMA_PROBE = [
  `f=${KUMA_COMPOSE_FILE}`,
  `if [ -f "$f" ]; then echo "compose_sha256=$(sha256sum < "$f" | cut -d' ' -f1)"; fi`,
  `echo "container=$(docker inspect --format '{{.State.Running}} {{.Config.Image}}' ${KUMA_CONTAINER} 2>/dev/null | head -n1)"`,
].join('\n');

export interface KumaFacts {
  composeSha256: string;
  /** The container exists (running or not). */
  exists: boolean;
  running: boolean;
  image: string;
}

export function parseKumaFacts(stdout: string): KumaFacts {
  const facts = parseFacts(stdout);
  const [running = '', image = ''] = (facts['container'] ?? '').split(/\s+/);
  return { composeSha256: facts['compose_sha256'] ?? '', exists: running === 'true' || running === 'false', running: running === 'true', image };
}

/** Why an answer from /api/entry-page is not Uptime Kuma's, or undefined when it is. */
export function kumaAnswerProblem(answer: HttpAnswer): string | undefined {
  if (answer.status !== 200) return answer.status === 0 ? `nothing answers (${answer.body.slice(0, 160)})` : `HTTP ${answer.status}`;
  try {
    const body = JSON.parse(answer.body) as { type?: unknown };
    return typeof body.type === 'string' ? undefined : 'the answer has no "type": not Uptime Kuma';
  } catch {
    return `the answer is not JSON: not Uptime Kuma (${answer.body.slice(0, 80)})`;
  }
}

/** What apply still has to do; empty when Kuma is as wanted. */
export function kumaUnfinished(facts: KumaFacts, answer: HttpAnswer | undefined): string[] {
  const left: string[] = [];
  if (facts.composeSha256 !== kumaComposeSha256()) left.push(facts.composeSha256 ? `rewrite ${KUMA_COMPOSE_FILE} (it was changed)` : `write ${KUMA_COMPOSE_FILE}`);
  if (facts.exists && facts.image !== KUMA_IMAGE) left.push(`recreate the container on ${KUMA_IMAGE} (it runs ${facts.image || 'an unknown image'})`);
  else if (!facts.running) left.push(`start the ${KUMA_CONTAINER} container`);
  const problem = answer ? kumaAnswerProblem(answer) : 'not checked';
  if (facts.running && problem) left.push(`get Uptime Kuma to answer ${KUMA_CHECK_URL} (${problem})`);
  return left;
}
