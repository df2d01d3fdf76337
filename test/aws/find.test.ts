import { CreateVpcCommand, type Filter, type Tag } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { vpcLookup } from '../../src/aws/ec2-describe.js';
import { RunbookConflictError } from '../../src/aws/errors.js';
import { findByTags, ownershipProblems, refindIdByTags, type TagLookup } from '../../src/aws/find.js';
import { getIdentity } from '../../src/aws/identity.js';
import { stepTagFilters, tagSpecifications, tagValue } from '../../src/aws/tags.js';
import { motoClients, resetMoto, type MotoServer } from '../helpers/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';

interface Item {
  id: string;
  vpc?: string;
  tags: Tag[];
}

const ours = (step: string, name = 'X'): Tag[] => [
  { Key: 'Name', Value: name },
  { Key: 'aws-runbook:project', Value: 'bfhk' },
  { Key: 'aws-runbook:step', Value: step },
];

/** An emulator that ignores every filter: the helper must re-check what it gets. */
function filterIgnoringLookup(items: Item[], seen: Filter[][] = []): TagLookup<Item> {
  return {
    kind: 'subnet',
    describe: async (filters) => {
      seen.push(filters);
      return items;
    },
    id: (i) => i.id,
    tags: (i) => i.tags,
    vpcId: (i) => i.vpc,
    vpcFilter: 'vpc-id',
  };
}

describe('tags', () => {
  it('builds TagSpecifications, step filters and reads values', () => {
    expect(tagSpecifications('vpc', [{ Key: 'Name', Value: 'VPC-MVP-BFHK' }])).toEqual([{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'VPC-MVP-BFHK' }] }]);
    expect(stepTagFilters('bfhk', 'network.mvp.vpc')).toEqual([
      { Name: 'tag:aws-runbook:project', Values: ['bfhk'] },
      { Name: 'tag:aws-runbook:step', Values: ['network.mvp.vpc'] },
    ]);
    expect(tagValue(ours('s'), 'aws-runbook:step')).toBe('s');
    expect(tagValue(undefined, 'Name')).toBeUndefined();
  });
});

describe('findByTags double-checks what the describe returned', () => {
  it('drops items whose tags or VPC do not match even when the emulator ignored the filters', async () => {
    const seen: Filter[][] = [];
    const lookup = filterIgnoringLookup(
      [
        { id: 'subnet-other-step', vpc: 'vpc-1', tags: ours('network.mvp.subnet-private-1') },
        { id: 'subnet-other-project', vpc: 'vpc-1', tags: [{ Key: 'aws-runbook:project', Value: 'zzzz' }, { Key: 'aws-runbook:step', Value: 'network.mvp.subnet-public' }] },
        { id: 'subnet-other-vpc', vpc: 'vpc-2', tags: ours('network.mvp.subnet-public') },
        { id: 'subnet-ours', vpc: 'vpc-1', tags: ours('network.mvp.subnet-public') },
      ],
      seen,
    );
    const match = await findByTags(lookup, { project: 'bfhk', stepId: 'network.mvp.subnet-public', vpcId: 'vpc-1' });
    expect(match).toMatchObject({ kind: 'one', id: 'subnet-ours', ours: true });
    expect(seen[0]).toContainEqual({ Name: 'vpc-id', Values: ['vpc-1'] });
  });

  it('reports several matches as a conflict listing the ids instead of picking one', async () => {
    const lookup = filterIgnoringLookup([
      { id: 'subnet-b', vpc: 'vpc-1', tags: ours('s') },
      { id: 'subnet-a', vpc: 'vpc-1', tags: ours('s') },
    ]);
    const match = await findByTags(lookup, { project: 'bfhk', stepId: 's', vpcId: 'vpc-1' });
    expect(match).toEqual({ kind: 'many', ids: ['subnet-a', 'subnet-b'], ours: true });
    expect(ownershipProblems(lookup, match, { project: 'bfhk', stepId: 's' })[0]).toContain('subnet-a, subnet-b');
    await expect(refindIdByTags(lookup, { project: 'bfhk', stepId: 's', vpcId: 'vpc-1' })).rejects.toBeInstanceOf(RunbookConflictError);
  });

  it('falls back to the Name tag and reports a same-named resource of someone else as not ours', async () => {
    const lookup = filterIgnoringLookup([{ id: 'subnet-theirs', vpc: 'vpc-1', tags: [{ Key: 'Name', Value: 'Subnet-MVP-Public-BFHK' }] }]);
    const query = { project: 'bfhk', stepId: 'network.mvp.subnet-public', name: 'Subnet-MVP-Public-BFHK', vpcId: 'vpc-1' };
    const match = await findByTags(lookup, query);
    expect(match).toMatchObject({ kind: 'one', id: 'subnet-theirs', ours: false });
    expect(ownershipProblems(lookup, match, query)[0]).toMatch(/subnet-theirs .* missing, not "bfhk"/);
    // refind looks by the step's tags only: someone else's same-named subnet is not "the one we created".
    await expect(refindIdByTags(lookup, query)).resolves.toBeUndefined();
  });
});

describe('find-by-tags and identity against moto', () => {
  let moto: MotoServer;
  let clients: AwsClients;

  beforeAll(async () => {
    moto = await workerMoto();
    clients = motoClients(moto);
  });
  beforeEach(() => resetMoto(moto));
  afterAll(async () => {
    clients.destroy();
    await moto.stop();
  });

  it('finds the VPC carrying the step tags, and reports two as a conflict', async () => {
    const create = (cidr: string, tags: Tag[]) =>
      clients.ec2Once.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: tagSpecifications('vpc', tags as { Key: string; Value: string }[]) }));
    const first = await create('10.1.0.0/16', ours('network.mvp.vpc', 'VPC-MVP-BFHK'));
    await create('10.2.0.0/16', ours('network.ia.vpc', 'VPC-IA-BFHK'));
    const lookup = vpcLookup(clients.ec2);
    const one = await findByTags(lookup, { project: 'bfhk', stepId: 'network.mvp.vpc' });
    expect(one).toMatchObject({ kind: 'one', id: first.Vpc?.VpcId, ours: true });

    const second = await create('10.1.0.0/16', ours('network.mvp.vpc', 'VPC-MVP-BFHK'));
    const many = await findByTags(lookup, { project: 'bfhk', stepId: 'network.mvp.vpc' });
    expect(many).toEqual({ kind: 'many', ids: [first.Vpc?.VpcId, second.Vpc?.VpcId].sort(), ours: true });
  });

  it('getIdentity answers with the account, ARN, region and endpoint', async () => {
    const identity = await getIdentity(clients);
    expect(identity).toEqual({ account: '123456789012', arn: expect.stringMatching(/^arn:aws:/), region: 'us-east-2', endpoint: moto.endpoint });
  });
});
