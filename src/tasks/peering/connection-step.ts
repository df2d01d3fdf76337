import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcPeeringConnectionCommand,
  type VpcPeeringConnectionStateReasonCode,
} from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from '../network/names.js';
import { DEAD_PEERING, isLivePeering, peeringById, peeringLookup } from './describe.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface ConnectionStepSpec {
  id: string;
  name: string;
  requesterVpcStepId: string;
  accepterVpcStepId: string;
  /** VPC Name tags, for titles and messages. */
  requesterName: string;
  accepterName: string;
  /** `$PEERING_MVP_ID` */
  placeholder: string;
  requesterPlaceholder: string;
  accepterPlaceholder: string;
  notes?: readonly string[];
}

const NOT_FOUND = ['InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpcPeeringConnectionId.NotFound'];
const ACCEPT = 'accept the peering request (pending-acceptance)';
const WAIT_TIMEOUT_MS = 5 * 60_000;

/**
 * Outputs: `vpcPeeringConnectionId`. A same-account, same-region peering requested by one VPC,
 * accepted for the other, and waited for until active (the SDK's "exists" waiter does not look at
 * the status).
 */
export function connectionStep(spec: ConnectionStepSpec): Step {
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });
  const acceptLine = (ref: string) => `aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${ref}`;
  const waitLine = (ref: string) => `aws ec2 wait vpc-peering-connection-exists --vpc-peering-connection-ids ${ref} --filters Name=status-code,Values=active`;

  async function create(ctx: StepContext, requester: string, accepter: string): Promise<string> {
    const id = await mutate(
      ctx,
      'CreateVpcPeeringConnection',
      async (abortSignal) => {
        // No ClientToken in this API: a lost answer is found again by the tags given in the call.
        const command = new CreateVpcPeeringConnectionCommand({
          VpcId: requester,
          PeerVpcId: accepter,
          TagSpecifications: tagSpecifications('vpc-peering-connection', ctx.tags(spec.name)),
        });
        const peering = required((await ctx.aws.ec2Once.send(command, { abortSignal })).VpcPeeringConnection, 'a VpcPeeringConnection');
        inventoryOf(ctx).peering.peerings.put(peering);
        return required(peering.VpcPeeringConnectionId, 'a VpcPeeringConnectionId (CreateVpcPeeringConnection)');
      },
      { refind: () => refindIdByTags(peeringLookup(ctx.aws.ec2, ctx.signal), { ...query(ctx), vpcId: requester }) },
    );
    await ctx.recordOutputs({ vpcPeeringConnectionId: id });
    return id;
  }

  /** Accepts; resolves with the status the answer (or, after a lost or "already accepted" answer, a look) shows. */
  async function accept(ctx: StepContext, id: string): Promise<string> {
    const acceptedNow = async () => {
      const code = (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code;
      return code === 'active' || code === 'provisioning' ? code : undefined;
    };
    return mutate(
      ctx,
      'AcceptVpcPeeringConnection',
      async (abortSignal) => {
        try {
          const answer = await ctx.aws.ec2Once.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }), { abortSignal });
          return answer.VpcPeeringConnection?.Status?.Code ?? 'provisioning';
        } catch (error) {
          // Already accepted (by an earlier, interrupted run): the status poll tells.
          const code = isAwsErrorCode(error, 'InvalidStateTransition') ? await acceptedNow() : undefined;
          if (code === undefined) throw error;
          return code;
        }
      },
      { refind: acceptedNow },
    );
  }

  /**
   * Accept once when pending, then poll (1 s) until active; a dead status stops with AWS's message. The
   * first look is the plan's read when it saw the peering pending or active; after a create, a live look.
   */
  async function activate(ctx: StepContext, id: string): Promise<void> {
    const peerings = inventoryOf(ctx).peering.peerings;
    let accepted = false;
    const seen = peerings.peek(id); // the plan's read, or the create's answer: never a read of its own
    let known = seen?.Status?.Code === 'pending-acceptance' || seen?.Status?.Code === 'active' ? seen : undefined;
    const settle = (code: string) => peerings.update(id, (p) => ({ ...p, Status: { Code: code as VpcPeeringConnectionStateReasonCode } }));
    await pollUntil(
      async () => {
        const peering = known ?? (await peeringById(ctx.aws.ec2, id, ctx.signal));
        known = undefined;
        if (peering) peerings.put(peering);
        const code = peering?.Status?.Code;
        if (code === 'active') return true;
        if (code && DEAD_PEERING.has(code)) {
          throw new RunbookConflictError(
            `VPC peering ${id} between ${spec.requesterName} and ${spec.accepterName} is ${code}: ${peering?.Status?.Message ?? 'no message'}`,
            'Check that the two VPC CIDRs do not overlap and that no other peering joins these VPCs, then rerun: a new peering is requested.',
          );
        }
        if (code === 'pending-acceptance' && !accepted) {
          const answered = await accept(ctx, id);
          accepted = true;
          settle(answered);
          if (answered === 'active') return true;
          // Often active at once (same account and region): look again before sleeping.
          const now = (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code;
          if (now) settle(now);
          return now === 'active' ? true : undefined;
        }
        ctx.progress(`VPC peering ${id} is ${code ?? 'not visible yet'}, waiting for it to be active`);
        return undefined;
      },
      { what: `VPC peering ${id} to be active`, signal: ctx.signal, intervalMs: 1000, timeoutMs: WAIT_TIMEOUT_MS },
    );
  }

  return {
    id: spec.id,
    section: 'peering',
    typicalSeconds: 5, // request, accept, provisioning → active
    title: `VPC peering ${spec.name} (${spec.requesterName} → ${spec.accepterName})`,
    needs: [spec.requesterVpcStepId, spec.accepterVpcStepId],

    async find(ctx): Promise<FindResult> {
      const requester = ctx.output(spec.requesterVpcStepId, 'vpcId');
      const accepter = ctx.output(spec.accepterVpcStepId, 'vpcId');
      if (!requester || !accepter) return ABSENT;
      // A live peering needs both its VPCs: one of ours joins VPCs of ours, which a plan finds rather than
      // makes. A VPC this run made has no peering but those the run makes: no read.
      const network = inventoryOf(ctx).network;
      if (network.madeThisRun(requester) || network.madeThisRun(accepter)) return ABSENT;
      const lookup = peeringLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, (await inventoryOf(ctx).peering.peerings.all()).filter(isLivePeering), fullQuery);
      if (match.kind === 'none') {
        const [other] = await inventoryOf(ctx).peering.liveBetween(requester, accepter);
        if (!other) return ABSENT;
        return present({}, false, [
          `VPC peering ${other.VpcPeeringConnectionId ?? '?'} (${other.Status?.Code ?? '?'}) already joins ${requester} and ${accepter} ` +
            `but is not tagged as ${spec.name} of this project (AWS allows one peering per pair of VPCs): delete it or tag it`,
        ]);
      }
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      const peering = match.item;
      const actualRequester = peering.RequesterVpcInfo?.VpcId;
      const actualAccepter = peering.AccepterVpcInfo?.VpcId;
      if (actualRequester !== requester) differences.push(`requester VPC is ${actualRequester ?? '(none)'}, wanted ${requester} (${spec.requesterName})`);
      if (actualAccepter !== accepter) differences.push(`accepter VPC is ${actualAccepter ?? '(none)'}, wanted ${accepter} (${spec.accepterName})`);
      if (!match.ours) return present({}, false, differences);
      const code = peering.Status?.Code;
      const unfinished = code === 'active' ? [] : code === 'pending-acceptance' ? [ACCEPT] : [`wait until the peering is active (it is ${code ?? 'unknown'})`];
      return present({ vpcPeeringConnectionId: match.id }, true, differences, unfinished);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.vpcPeeringConnectionId : undefined;
      const ref = id ?? spec.placeholder;
      const requesterRef = ctx.ref(spec.requesterVpcStepId, 'vpcId', spec.requesterPlaceholder);
      const accepterRef = ctx.ref(spec.accepterVpcStepId, 'vpcId', spec.accepterPlaceholder);
      return stepPreview(found, {
        what: `VPC peering ${spec.name} from ${spec.requesterName} (requester) to ${spec.accepterName} (accepter)`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-vpc-peering-connection --vpc-id ${requesterRef} --peer-vpc-id ${accepterRef} ${cliTagSpecifications('vpc-peering-connection', ctx.tags(spec.name))} --query VpcPeeringConnection.VpcPeeringConnectionId --output text)`,
          acceptLine(spec.placeholder),
          waitLine(spec.placeholder),
        ],
        finish: (unfinished) => [...(unfinished.includes(ACCEPT) ? [acceptLine(ref)] : []), waitLine(ref)],
        ...(spec.notes ? { notes: [...spec.notes] } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const requester = ctx.need(spec.requesterVpcStepId, 'vpcId');
      const accepter = ctx.need(spec.accepterVpcStepId, 'vpcId');
      const id =
        found.kind === 'present'
          ? (adoptableOutputs(found, spec.id, 'vpcPeeringConnectionId').vpcPeeringConnectionId as string)
          : await create(ctx, requester, accepter);
      await activate(ctx, id);
      return { vpcPeeringConnectionId: id };
    },

    async destroy(ctx, outputs) {
      const id = outputs.vpcPeeringConnectionId ?? (await refindIdByTags(peeringLookup(ctx.aws.ec2, ctx.signal), query(ctx)));
      if (!id) return;
      const code = (await inventoryOf(ctx).peering.peering(id))?.Status?.Code;
      // Rejected, failed or expired ones cannot be deleted; AWS drops them by itself.
      if (code === undefined || (DEAD_PEERING.has(code) && code !== 'deleting')) {
        ctx.progress(`VPC peering ${id}: already ${code ?? 'gone'}`);
        return;
      }
      if (code !== 'deleting') {
        await removeIdempotently(
          ctx,
          'DeleteVpcPeeringConnection',
          (abortSignal) => ctx.aws.ec2Once.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }), { abortSignal }),
          NOT_FOUND,
        );
      }
      await pollUntil(
        async () => {
          const now = (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code;
          return now === undefined || now === 'deleted' ? true : undefined;
        },
        { what: `VPC peering ${id} to be deleted`, signal: ctx.signal, intervalMs: 1000, timeoutMs: WAIT_TIMEOUT_MS },
      );
      inventoryOf(ctx).peering.peerings.drop(id);
    },

    destroyPreview(ctx, outputs) {
      const id = outputs.vpcPeeringConnectionId ?? ctx.ref(spec.id, 'vpcPeeringConnectionId', spec.placeholder);
      return {
        summary: `Delete VPC peering ${spec.name} (${id})`,
        cli: [`aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id ${id}`],
      };
    },
  };
}
