import { AssociateRouteTableCommand, DisassociateRouteTableCommand, type RouteTable } from '@aws-sdk/client-ec2';
import { describeRouteTables, routeTableById } from '../../aws/ec2-describe.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { inventoryOf } from '../inventory/of-context.js';
import { inRouteTable } from '../relation-find.js';

export interface AssociationStepSpec {
  id: string;
  routeTableStepId: string;
  subnetStepId: string;
  routeTableName: string;
  subnetName: string;
  routeTablePlaceholder: string;
  subnetPlaceholder: string;
  notes?: string[];
}

const LIVE = (state: string | undefined) => state !== 'disassociating' && state !== 'disassociated' && state !== 'failed';

function associationFor(table: RouteTable | undefined, subnetId: string) {
  return table?.Associations?.find((a) => a.SubnetId === subnetId && LIVE(a.AssociationState?.State));
}

/** Outputs: `associationId`, `routeTableId`, `subnetId`. Ours when the route table is ours. */
export function associationStep(spec: AssociationStepSpec): Step {
  async function associationId(ctx: StepContext, routeTableId: string, subnetId: string): Promise<string | undefined> {
    return associationFor(await routeTableById(ctx.aws.ec2, routeTableId, ctx.signal), subnetId)?.RouteTableAssociationId;
  }

  /** Another table that has this subnet explicitly (a subnet has one table at a time). */
  async function otherTable(ctx: StepContext, routeTableId: string, subnetId: string): Promise<RouteTable | undefined> {
    const tables = await describeRouteTables(ctx.aws.ec2, [{ Name: 'association.subnet-id', Values: [subnetId] }], ctx.signal);
    return tables.find((t) => t.RouteTableId !== routeTableId && associationFor(t, subnetId) !== undefined);
  }

  function takenError(other: RouteTable, routeTableId: string, subnetId: string): RunbookConflictError {
    return new RunbookConflictError(
      `subnet ${subnetId} is associated with ${other.RouteTableId ?? '?'}, wanted ${routeTableId}`,
      `Move it by hand if that is right (\`aws ec2 replace-route-table-association --association-id ${associationFor(other, subnetId)?.RouteTableAssociationId ?? '<id>'} --route-table-id ${routeTableId}\`), then rerun.`,
    );
  }

  /**
   * After "already associated" (a call of an earlier, interrupted run landed, or the subnet is with another
   * table), or an answer naming another table's association: which table the subnet is with, asked of AWS.
   */
  async function confirm(ctx: StepContext, routeTableId: string, subnetId: string): Promise<string> {
    return pollUntil(
      async () => {
        const id = await associationId(ctx, routeTableId, subnetId);
        if (id) return id;
        const other = await otherTable(ctx, routeTableId, subnetId);
        if (other) throw takenError(other, routeTableId, subnetId);
        return undefined;
      },
      { what: `subnet ${subnetId} to show as associated with ${routeTableId}`, signal: ctx.signal, timeoutMs: 30_000 },
    );
  }

  return {
    id: spec.id,
    section: 'network',
    title: `Associate ${spec.routeTableName} with ${spec.subnetName}`,
    needs: [spec.routeTableStepId, spec.subnetStepId],

    async find(ctx): Promise<FindResult> {
      const start = await inRouteTable(ctx, spec.routeTableStepId, { subnetId: [spec.subnetStepId, 'subnetId'] });
      if (!start) return ABSENT;
      const { ids: { routeTableId, subnetId }, holder: table, ours, network } = start;
      const association = associationFor(table, subnetId);
      if (association?.RouteTableAssociationId) {
        const unfinished = association.AssociationState?.State === 'associating' ? ['wait until the association is done (associating)'] : [];
        return present({ associationId: association.RouteTableAssociationId, routeTableId, subnetId }, ours, [], unfinished);
      }
      // A subnet is associated with tables of its own VPC only: the read of that VPC's tables tells.
      const neighbours = table.VpcId ? await network.routeTablesIn(table.VpcId) : [];
      const other = neighbours.find((t) => t.RouteTableId !== routeTableId && associationFor(t, subnetId) !== undefined);
      if (other) return present({}, false, [`subnet ${subnetId} is associated with ${other.RouteTableId ?? '?'}, wanted ${routeTableId}`]);
      return ABSENT;
    },

    preview(ctx, found) {
      const rtRef = ctx.ref(spec.routeTableStepId, 'routeTableId', spec.routeTablePlaceholder);
      const subnetRef = ctx.ref(spec.subnetStepId, 'subnetId', spec.subnetPlaceholder);
      const id = found.kind === 'present' ? found.outputs.associationId : undefined;
      return stepPreview(found, {
        what: `association of ${spec.routeTableName} with ${spec.subnetName}`,
        ...(id ? { id } : {}),
        create: [`aws ec2 associate-route-table --route-table-id ${rtRef} --subnet-id ${subnetRef}`],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const routeTableId = ctx.need(spec.routeTableStepId, 'routeTableId');
      const subnetId = ctx.need(spec.subnetStepId, 'subnetId');
      if (found.kind === 'present') {
        const adopted = adoptableOutputs(found, spec.id, 'associationId');
        return { associationId: adopted.associationId as string, routeTableId, subnetId };
      }
      const answered = await mutate(
        ctx,
        'AssociateRouteTable',
        async (abortSignal) => {
          try {
            const out = await ctx.aws.ec2Once.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }), {
              abortSignal,
            });
            return required(out.AssociationId, 'an AssociationId (AssociateRouteTable)');
          } catch (error) {
            // Already associated: success if with this table, a conflict otherwise (confirm() tells which).
            if (isAwsErrorCode(error, 'Resource.AlreadyAssociated')) return undefined;
            throw error;
          }
        },
        { refind: () => associationId(ctx, routeTableId, subnetId) },
      );
      // moto answers with the association of whichever table holds the subnet: an id that, in what the plan
      // read of this VPC's tables, belongs to another table is looked at again (and refused).
      const network = inventoryOf(ctx).network;
      const table = await network.routeTable(routeTableId);
      const elsewhere = (table?.VpcId ? await network.routeTablesIn(table.VpcId) : []).some(
        (t) => t.RouteTableId !== routeTableId && t.Associations?.some((a) => a.RouteTableAssociationId === answered),
      );
      const confirmed = answered !== undefined && !elsewhere ? answered : await confirm(ctx, routeTableId, subnetId);
      network.associationAdded(routeTableId, {
        RouteTableAssociationId: confirmed,
        RouteTableId: routeTableId,
        SubnetId: subnetId,
        Main: false,
        AssociationState: { State: 'associated' },
      });
      await ctx.recordOutputs({ associationId: confirmed, routeTableId, subnetId });
      return { associationId: confirmed, routeTableId, subnetId };
    },

    async destroy(ctx, outputs) {
      const routeTableId = outputs.routeTableId ?? ctx.output(spec.routeTableStepId, 'routeTableId');
      const subnetId = outputs.subnetId ?? ctx.output(spec.subnetStepId, 'subnetId');
      const id = outputs.associationId ?? (routeTableId && subnetId ? await associationId(ctx, routeTableId, subnetId) : undefined);
      if (!id) return;
      await removeIdempotently(
        ctx,
        'DisassociateRouteTable',
        (abortSignal) => ctx.aws.ec2Once.send(new DisassociateRouteTableCommand({ AssociationId: id }), { abortSignal }),
        ['InvalidAssociationID.NotFound'],
      );
      inventoryOf(ctx).network.associationRemoved(id);
    },

    destroyPreview(ctx, outputs) {
      const id = outputs.associationId ?? ctx.ref(spec.id, 'associationId', '$ASSOCIATION_ID');
      return {
        summary: `Disassociate ${spec.routeTableName} from ${spec.subnetName} (${id})`,
        cli: [`aws ec2 disassociate-route-table --association-id ${id}`],
      };
    },
  };
}
