import { CreateRouteTableCommand, DeleteRouteTableCommand } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { routeTableLookup } from '../../aws/ec2-describe.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';
import { neededOutputs } from '../relation-find.js';

export interface RouteTableStepSpec {
  id: string;
  vpcStepId: string;
  name: string;
  /** "public" / "private", for titles. */
  role: string;
  /** `$MVP_RT_PUBLIC_ID` */
  placeholder: string;
  vpcPlaceholder: string;
  notes?: string[];
}

/** Outputs: `routeTableId`. An empty table (routes and associations are their own steps). */
/**
 * AWS remembers a ClientToken for a day: after `down` then `up`, a token made from the step alone would
 * answer with the deleted table. The VPC id changes with every new VPC, so it goes into the token.
 */
function tokenPurpose(vpcId: string): string {
  return `create in ${vpcId}`;
}

export function routeTableStep(spec: RouteTableStepSpec): Step {
  const lookupQuery = (ctx: StepContext, vpcId: string) => ({ project: ctx.project, stepId: spec.id, vpcId });

  return {
    id: spec.id,
    section: 'network',
    title: `Route table ${spec.name} (${spec.role})`,
    needs: [spec.vpcStepId],

    async find(ctx): Promise<FindResult> {
      const needed = neededOutputs(ctx, { vpcId: [spec.vpcStepId, 'vpcId'] });
      if (!needed) return ABSENT;
      const { vpcId } = needed;
      const lookup = routeTableLookup(ctx.aws.ec2, ctx.signal);
      const query = { ...lookupQuery(ctx, vpcId), name: spec.name };
      const match = matchByTags(lookup, await inventoryOf(ctx).network.routeTablesIn(vpcId), query);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, query);
      if (match.kind === 'many') return present({}, match.ours, differences);
      if (!match.ours) return present({}, false, differences);
      return present({ routeTableId: match.id }, true, differences);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.routeTableId : undefined;
      const vpcRef = ctx.ref(spec.vpcStepId, 'vpcId', spec.vpcPlaceholder);
      return stepPreview(found, {
        what: `${spec.role} route table ${spec.name}`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-route-table --vpc-id ${vpcRef} --client-token ${ctx.clientToken(tokenPurpose(vpcRef))} ${cliTagSpecifications('route-table', ctx.tags(spec.name))} --query RouteTable.RouteTableId --output text)`,
        ],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const vpcId = ctx.need(spec.vpcStepId, 'vpcId');
      if (found.kind === 'present') {
        return { routeTableId: adoptableOutputs(found, spec.id, 'routeTableId').routeTableId as string };
      }
      const clientToken = ctx.clientToken(tokenPurpose(vpcId));
      const routeTableId = await mutate(
        ctx,
        'CreateRouteTable',
        async (abortSignal) => {
          const command = new CreateRouteTableCommand({
            VpcId: vpcId,
            ClientToken: clientToken,
            TagSpecifications: tagSpecifications('route-table', ctx.tags(spec.name)),
          });
          const table = required((await ctx.aws.ec2Once.send(command, { abortSignal })).RouteTable, 'a RouteTable');
          inventoryOf(ctx).network.routeTables.put(table);
          return required(table.RouteTableId, 'a RouteTableId');
        },
        { clientToken, refind: () => refindIdByTags(routeTableLookup(ctx.aws.ec2, ctx.signal), lookupQuery(ctx, vpcId)) },
      );
      await ctx.recordOutputs({ routeTableId });
      return { routeTableId };
    },

    async destroy(ctx, outputs) {
      const vpcId = ctx.output(spec.vpcStepId, 'vpcId');
      const routeTableId =
        outputs.routeTableId ?? (vpcId ? await refindIdByTags(routeTableLookup(ctx.aws.ec2, ctx.signal), lookupQuery(ctx, vpcId)) : undefined);
      if (!routeTableId) return;
      await removeIdempotently(
        ctx,
        'DeleteRouteTable',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteRouteTableCommand({ RouteTableId: routeTableId }), { abortSignal }),
        ['InvalidRouteTableID.NotFound'],
      );
      inventoryOf(ctx).network.routeTables.drop(routeTableId);
    },

    destroyPreview(ctx, outputs) {
      const id = outputs.routeTableId ?? ctx.ref(spec.id, 'routeTableId', spec.placeholder);
      return { summary: `Delete route table ${spec.name} (${id})`, cli: [`aws ec2 delete-route-table --route-table-id ${id}`] };
    },
  };
}
