import { CreateSecurityGroupCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { cliTagSpecifications, shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate } from '../mutation.js';
import { shellVariable } from '../network/names.js';
import { stepPreview } from '../preview.js';
import { deleteSecurityGroup, type DeleteGroupOptions } from './delete-group.js';
import { describeSecurityGroups, securityGroupLookup } from './describe.js';
import type { SecurityGroupDesign } from './rules.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface GroupStepSpec {
  design: SecurityGroupDesign;
  /** Steps that must exist first besides the VPC (the rds group after the web group, so it is deleted before it). */
  extraNeeds?: string[];
  notes?: string[];
  deletion?: DeleteGroupOptions;
}

/** Outputs: `groupId`. A security group in its VPC, GroupName = Name tag, tagged at creation. */
export function securityGroupStep(spec: GroupStepSpec): Step {
  const { design } = spec;
  const query = (ctx: StepContext, vpcId: string) => ({ project: ctx.project, stepId: design.stepId, vpcId });

  /** A group holding our GroupName in our VPC, among those read: CreateSecurityGroup would fail with InvalidGroup.Duplicate. */
  function holdsName(groups: readonly SecurityGroup[], vpcId: string): SecurityGroup | undefined {
    return groups.find((g) => g.VpcId === vpcId && g.GroupName === design.name);
  }

  /** The same, asked of AWS now (after a Duplicate answer, to name the group in the way). */
  async function nameTaken(ctx: StepContext, vpcId: string): Promise<SecurityGroup | undefined> {
    const groups = await describeSecurityGroups(
      ctx.aws.ec2,
      [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [design.name] },
      ],
      ctx.signal,
    );
    return groups.find((g) => g.VpcId === vpcId && g.GroupName === design.name);
  }

  async function create(ctx: StepContext, vpcId: string): Promise<string> {
    const refind = () => refindIdByTags(securityGroupLookup(ctx.aws.ec2, ctx.signal), query(ctx, vpcId));
    const groupId = await mutate(
      ctx,
      'CreateSecurityGroup',
      async (abortSignal) => {
        const command = new CreateSecurityGroupCommand({
          GroupName: design.name,
          Description: design.description,
          VpcId: vpcId,
          TagSpecifications: tagSpecifications('security-group', ctx.tags(design.name)),
        });
        try {
          const groupId = required((await ctx.aws.ec2Once.send(command, { abortSignal })).GroupId, 'a GroupId (CreateSecurityGroup)');
          inventoryOf(ctx).security.groupMade({ GroupId: groupId, GroupName: design.name, Description: design.description, VpcId: vpcId, Tags: ctx.tags(design.name) });
          return groupId;
        } catch (error) {
          if (!isAwsErrorCode(error, 'InvalidGroup.Duplicate')) throw error;
          // Ours (made by a call whose answer was lost) is success; someone else's group is a conflict.
          const ours = await refind();
          if (ours) return ours;
          const other = await nameTaken(ctx, vpcId);
          throw new RunbookConflictError(
            `a security group named ${design.name} already exists in ${vpcId} (${other?.GroupId ?? 'unknown id'}) and is not tagged as ours`,
            'Rename or delete that group, or change the suffix in the config, then rerun.',
          );
        }
      },
      { refind },
    );
    await ctx.recordOutputs({ groupId });
    return groupId;
  }

  return {
    id: design.stepId,
    section: 'security',
    title: `Security group ${design.name}`,
    needs: [design.vpcStepId, ...(spec.extraNeeds ?? [])],

    async find(ctx): Promise<FindResult> {
      const vpcId = ctx.output(design.vpcStepId, 'vpcId');
      if (!vpcId) return ABSENT;
      const lookup = securityGroupLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx, vpcId), name: design.name };
      const groups = await inventoryOf(ctx).security.groupsIn(vpcId);
      const match = matchByTags(lookup, groups, fullQuery);
      if (match.kind === 'none') {
        const taken = holdsName(groups, vpcId);
        return taken
          ? present({}, false, [
              `security group ${taken.GroupId ?? '?'} already has the group name ${design.name} in ${vpcId} and is not tagged as ${design.name} of this project`,
            ])
          : ABSENT;
      }
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      if (match.item.GroupName !== design.name) differences.push(`group name is ${match.item.GroupName ?? '(none)'}, wanted ${design.name}`);
      if (!match.ours) return present({}, false, differences);
      return present({ groupId: match.id }, true, differences);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.groupId : undefined;
      const vpcRef = ctx.ref(design.vpcStepId, 'vpcId', design.vpcPlaceholder);
      return stepPreview(found, {
        what: `security group ${design.name} in ${vpcRef}`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(design.placeholder)}=$(aws ec2 create-security-group --group-name ${design.name} --description ${shellQuote(design.description)} --vpc-id ${vpcRef} ${cliTagSpecifications('security-group', ctx.tags(design.name))} --query GroupId --output text)`,
        ],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const vpcId = ctx.need(design.vpcStepId, 'vpcId');
      const groupId = found.kind === 'present' ? (adoptableOutputs(found, design.stepId, 'groupId').groupId as string) : await create(ctx, vpcId);
      return { groupId };
    },

    async destroy(ctx, outputs) {
      const vpcId = ctx.output(design.vpcStepId, 'vpcId');
      const groupId =
        outputs.groupId ?? (vpcId ? await refindIdByTags(securityGroupLookup(ctx.aws.ec2, ctx.signal), query(ctx, vpcId)) : undefined);
      if (!groupId) return;
      await deleteSecurityGroup(ctx, groupId, design.name, spec.deletion);
    },

    destroyPreview(ctx, outputs) {
      const groupId = outputs.groupId ?? ctx.ref(design.stepId, 'groupId', design.placeholder);
      return { summary: `Delete security group ${design.name} (${groupId})`, cli: [`aws ec2 delete-security-group --group-id ${groupId}`] };
    },
  };
}
