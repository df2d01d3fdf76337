import { AcceptVpcPeeringConnectionCommand, CreateVpcPeeringConnectionCommand, DeleteVpcPeeringConnectionCommand } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { findByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from '../network/names.js';
import { DEAD_PEERING, livePeeringsBetween, peeringById, peeringLookup } from './describe.js';

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
        const out = await ctx.aws.ec2Once.send(command, { abortSignal });
        return required(out.VpcPeeringConnection?.VpcPeeringConnectionId, 'a VpcPeeringConnectionId (CreateVpcPeeringConnection)');
      },
      { refind: () => refindIdByTags(peeringLookup(ctx.aws.ec2, ctx.signal), { ...query(ctx), vpcId: requester }) },
    );
    await ctx.recordOutputs({ vpcPeeringConnectionId: id });
    return id;
  }

  async function accept(ctx: StepContext, id: string): Promise<void> {
    const acceptedNow = async () => {
      const code = (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code;
      return code === 'active' || code === 'provisioning' ? true : undefined;
    };
    await mutate(
      ctx,
      'AcceptVpcPeeringConnection',
      async (abortSignal) => {
        try {
          await ctx.aws.ec2Once.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }), { abortSignal });
        } catch (error) {
          // Already accepted (by an earlier, interrupted run): the status poll tells.
          if (!isAwsErrorCode(error, 'InvalidStateTransition') || !(await acceptedNow())) throw error;
        }
        return true;
      },
      { refind: acceptedNow },
    );
  }

  /** Accept once when pending, then poll (1 s) until active; a dead status stops with AWS's message. */
  async function activate(ctx: StepContext, id: string): Promise<void> {
    let accepted = false;
    await pollUntil(
      async () => {
        const peering = await peeringById(ctx.aws.ec2, id, ctx.signal);
        const code = peering?.Status?.Code;
        if (code === 'active') return true;
        if (code && DEAD_PEERING.has(code)) {
          throw new RunbookConflictError(
            `VPC peering ${id} between ${spec.requesterName} and ${spec.accepterName} is ${code}: ${peering?.Status?.Message ?? 'no message'}`,
            'Check that the two VPC CIDRs do not overlap and that no other peering joins these VPCs, then rerun: a new peering is requested.',
          );
        }
        if (code === 'pending-acceptance' && !accepted) {
          await accept(ctx, id);
          accepted = true;
          // Often active at once (same account and region): look again before sleeping.
          return (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code === 'active' ? true : undefined;
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
      const lookup = peeringLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = await findByTags(lookup, fullQuery);
      if (match.kind === 'none') {
        const [other] = await livePeeringsBetween(ctx.aws.ec2, requester, accepter, ctx.signal);
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
      const code = (await peeringById(ctx.aws.ec2, id, ctx.signal))?.Status?.Code;
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
