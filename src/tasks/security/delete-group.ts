import { DeleteSecurityGroupCommand, type NetworkInterface } from '@aws-sdk/client-ec2';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { tagValue } from '../../aws/tags.js';
import { sleep } from '../../aws/with-retry.js';
import type { StepContext } from '../../engine/types.js';
import { removeIdempotently } from '../mutation.js';
import { groupsReferencing, interfacesUsing } from './describe.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface DeleteGroupOptions {
  /** How long to keep retrying while AWS answers DependencyViolation (default 60 s). */
  timeoutMs?: number;
  /** Between retries (default 1 s). */
  intervalMs?: number;
}

export const DEFAULT_DELETE_TIMEOUT_MS = 60_000;

function interfaceText(eni: NetworkInterface): string {
  const owner = eni.Attachment?.InstanceId ? `instance ${eni.Attachment.InstanceId}` : eni.Description || eni.InterfaceType || undefined;
  return owner ? `${eni.NetworkInterfaceId ?? '?'} (${owner})` : (eni.NetworkInterfaceId ?? '?');
}

/** Names what still uses the group, from what AWS shows now. */
async function stillInUseError(ctx: StepContext, groupId: string, name: string, waitedMs: number): Promise<RunbookConflictError> {
  const [interfaces, referencing] = await Promise.all([
    interfacesUsing(ctx.aws.ec2, groupId, ctx.signal),
    groupsReferencing(ctx.aws.ec2, groupId, ctx.signal),
  ]);
  const causes = [
    ...(interfaces.length > 0 ? [`network interfaces ${interfaces.map(interfaceText).join(', ')} still use it`] : []),
    ...(referencing.length > 0
      ? [`rules of ${referencing.map((g) => `${tagValue(g.Tags, 'Name') ?? g.GroupName ?? '?'} (${g.GroupId ?? '?'})`).join(', ')} reference it`]
      : []),
  ];
  const why = causes.length > 0 ? causes.join('; ') : 'AWS still answers DependencyViolation (instances still terminating, or network interfaces left behind)';
  return new RunbookConflictError(
    `security group ${name} (${groupId}) is still in use after ${Math.round(waitedMs / 1000)} s: ${why}`,
    `Terminate or move what uses it (\`aws ec2 describe-network-interfaces --filters Name=group-id,Values=${groupId}\` lists the interfaces), or delete the referencing rules, then rerun \`aws-runbook down\`.`,
  );
}

/**
 * Delete a group; gone = done. While instances or interfaces still use it (AWS answers
 * DependencyViolation, e.g. instances still shutting down) retry on a short poll, then fail naming the cause.
 */
export async function deleteSecurityGroup(ctx: StepContext, groupId: string, name: string, options: DeleteGroupOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELETE_TIMEOUT_MS;
  const intervalMs = Math.min(1000, options.intervalMs ?? 1000);
  const started = Date.now();
  for (;;) {
    try {
      await removeIdempotently(
        ctx,
        'DeleteSecurityGroup',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteSecurityGroupCommand({ GroupId: groupId }), { abortSignal }),
        ['InvalidGroup.NotFound'],
      );
      inventoryOf(ctx).security.groups.drop(groupId);
      return;
    } catch (error) {
      if (!isAwsErrorCode(error, 'DependencyViolation')) throw error;
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw await stillInUseError(ctx, groupId, name, waited);
      ctx.progress(`${name} (${groupId}) is still in use; retrying for up to ${Math.round((timeoutMs - waited) / 1000)} s`);
      await sleep(intervalMs, ctx.signal);
    }
  }
}
