import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import type { InstanceLookup } from './lab-overrides.js';
import type { LoopbackTarget } from './loopback.js';
import { readWhole } from './forward.js';

/**
 * The gateway's own question to moto (only ever its loopback target): a DescribeInstances for one
 * instance, signed like the client's call so moto answers from the same account and region. It is not
 * a client call, so it is not in the request log and no fault or delay applies to it.
 */
export function instanceLookup(target: LoopbackTarget, agent: Agent, authorization: string | undefined): InstanceLookup | undefined {
  if (authorization === undefined) return undefined;
  return async (instanceId) => {
    const body = new URLSearchParams({ Action: 'DescribeInstances', Version: '2016-11-15', 'InstanceId.1': instanceId }).toString();
    try {
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const upstream = httpRequest({
          host: target.host,
          port: target.port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), authorization },
        });
        upstream.on('response', resolve);
        upstream.on('error', reject);
        upstream.end(body);
      });
      const text = (await readWhole(answer)).toString('utf8');
      const ok = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
      return ok ? text : undefined;
    } catch {
      return undefined; // moto unreachable: the console answer goes out as moto wrote it
    }
  };
}
