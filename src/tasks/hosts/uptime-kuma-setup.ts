import type { Config } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import type { SshConnection } from '../../ssh/connect.js';
import { openTunnel } from '../../ssh/tunnel.js';
import { ADMIN_ACCOUNTS, adminPasswordFile } from './admin-credentials.js';
import { HostCheckError } from './docker-http-check.js';
import { shopPort } from './shop/names.js';
import { connectKuma, KumaRefusedError, KumaUnreachableError, type KumaMonitor, type KumaSession } from './uptime-kuma-client.js';
import { KUMA_CONTAINER, KUMA_HOST, KUMA_LOOPBACK, KUMA_PORT } from './uptime-kuma-compose.js';

/**
 * Uptime Kuma set up by the tool, so its setup page never waits for a first visitor: the admin account
 * (its password generated and kept on the monitoring host, see admin-credentials.ts) and one HTTP monitor
 * per application, each at the application host's private address (reached over the Cyber↔MVP peering and
 * inside the Cyber VPC; the security groups let the monitoring host in). Everything goes through an SSH
 * tunnel to the monitoring host's own 127.0.0.1:3001, where Kuma is published and nothing else can reach it.
 */

export const KUMA_ADMIN = ADMIN_ACCOUNTS['uptime-kuma'];

export interface WantedMonitor {
  name: string;
  url: string;
  /** The host it watches. */
  host: HostName;
}

/** The three monitors, at the hosts' private addresses (`privateIp` gives a known address or a placeholder). */
export function wantedMonitors(config: Config, privateIp: (host: HostName) => string): WantedMonitor[] {
  return [
    { name: 'Shop (Rocket eCommerce)', host: 'ecommerce', url: `http://${privateIp('ecommerce')}:${shopPort(config)}/` },
    { name: 'WordPress', host: 'wordpress', url: `http://${privateIp('wordpress')}/` },
    { name: 'GitLab', host: 'gitlab', url: `http://${privateIp('gitlab')}/users/sign_in` },
  ];
}

/** What Kuma's own "Add New Monitor" form sends for an HTTP monitor with its defaults (1.23, EditMonitor.vue). */
export function httpMonitorPayload(monitor: WantedMonitor): Record<string, unknown> {
  return {
    type: 'http',
    name: monitor.name,
    description: 'Added by aws-runbook (hosts.uptime-kuma.monitoring)',
    parent: null,
    url: monitor.url,
    method: 'GET',
    interval: 60,
    retryInterval: 60,
    resendInterval: 0,
    maxretries: 0,
    timeout: 48,
    notificationIDList: {},
    ignoreTls: false,
    upsideDown: false,
    expiryNotification: false,
    maxredirects: 10,
    accepted_statuscodes: ['200-299'],
    httpBodyEncoding: 'json',
    kafkaProducerBrokers: [],
    kafkaProducerSaslOptions: { mechanism: 'None' },
  };
}

/** The wanted monitors Kuma does not have yet: one with the same name or the same URL counts as there (never duplicated). */
export function missingMonitors(existing: readonly KumaMonitor[], wanted: readonly WantedMonitor[]): WantedMonitor[] {
  return wanted.filter((w) => !existing.some((m) => m.name === w.name || m.url === w.url));
}

export interface KumaSetupResult {
  adminCreated: boolean;
  added: WantedMonitor[];
}

/** Creates the admin when Kuma asks for setup, logs in, adds the monitors it lacks. */
export async function setUpKuma(session: KumaSession, password: string, wanted: readonly WantedMonitor[]): Promise<KumaSetupResult> {
  const adminCreated = await session.needSetup();
  if (adminCreated) await session.setup(KUMA_ADMIN.user, password);
  await session.login(KUMA_ADMIN.user, password);
  const added = missingMonitors(await session.monitors(), wanted);
  for (const monitor of added) await session.add(httpMonitorPayload(monitor));
  return { adminCreated, added };
}

const describe = (m: WantedMonitor) => `add the monitor "${m.name}" (${m.url})`;

/** What setUpKuma would still do (read-only: needSetup, a login, the monitor list). `password` undefined: none kept yet. */
export async function kumaSetupGap(session: KumaSession, password: string | undefined, wanted: readonly WantedMonitor[]): Promise<string[]> {
  const createAdmin = `create the Uptime Kuma admin account \`${KUMA_ADMIN.user}\``;
  if (await session.needSetup()) return [createAdmin, ...wanted.map(describe)];
  if (password === undefined) return [`log in to Uptime Kuma as \`${KUMA_ADMIN.user}\`: it already has an account, and no password is kept in ${adminPasswordFile(KUMA_ADMIN)}`];
  try {
    await session.login(KUMA_ADMIN.user, password);
  } catch (error) {
    if (error instanceof KumaRefusedError) return [`log in to Uptime Kuma as \`${KUMA_ADMIN.user}\` (Kuma answers: ${error.kumaMessage})`];
    throw error;
  }
  return missingMonitors(await session.monitors(), wanted).map(describe);
}

const KUMA_TARGET = { host: KUMA_LOOPBACK, port: KUMA_PORT };

/**
 * A session with the Kuma of the monitoring host, through an SSH tunnel on `connection` to its 127.0.0.1:3001
 * (closed again afterwards). Failures become HostCheckErrors naming what to look at.
 */
export async function withKumaSession<T>(connection: SshConnection, signal: AbortSignal, work: (session: KumaSession) => Promise<T>): Promise<T> {
  const tunnel = await openTunnel(connection, KUMA_TARGET, signal);
  let session: KumaSession | undefined;
  try {
    session = await connectKuma(tunnel.url, { signal, timeoutMs: 30_000 });
    return await work(session);
  } catch (error) {
    throw kumaError(error, tunnel.lastError);
  } finally {
    session?.close();
    await tunnel.close();
  }
}

function kumaError(error: unknown, tunnelError: Error | undefined): unknown {
  const logs = `sudo docker logs --tail 50 ${KUMA_CONTAINER} on ${KUMA_HOST}`;
  if (error instanceof KumaUnreachableError) {
    return new HostCheckError(KUMA_HOST, `Uptime Kuma's API through the SSH tunnel to 127.0.0.1:${KUMA_PORT}`, tunnelError ? `${error.message}; ${tunnelError.message}` : error.message, `check the container answers on the host (curl http://127.0.0.1:${KUMA_PORT}/api/entry-page) and that its sshd allows TCP forwarding; ${logs}`);
  }
  if (error instanceof KumaRefusedError && error.event === 'login') {
    return new HostCheckError(
      KUMA_HOST,
      `logging in to Uptime Kuma as \`${KUMA_ADMIN.user}\``,
      `Kuma refused it ("${error.kumaMessage}"): its admin account was not made with the password kept in ${adminPasswordFile(KUMA_ADMIN)}`,
      `if the account was created by hand, write its password into ${adminPasswordFile(KUMA_ADMIN)} on ${KUMA_HOST} (root, mode 0600), or reset it (\`sudo docker exec -it ${KUMA_CONTAINER} npm run reset-password\`) to the kept one; then rerun \`aws-runbook up\``,
    );
  }
  if (error instanceof KumaRefusedError) {
    return new HostCheckError(KUMA_HOST, `Uptime Kuma's ${error.event}`, `Kuma refused it: ${error.kumaMessage}`, `look at Kuma's log: ${logs}; then rerun \`aws-runbook up\``);
  }
  return error;
}
