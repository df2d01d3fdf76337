import { DescribeImagesCommand, DescribeKeyPairsCommand, paginateDescribeInstances, type Image, type Instance, type KeyPairInfo } from '@aws-sdk/client-ec2';
import { sleep } from '../../aws/with-retry.js';
import { imageById, UBUNTU_IMAGE, UBUNTU_IMAGE_FILTERS } from '../compute/ubuntu-image.js';
import { instanceById, isLive } from '../compute/instance-describe.js';
import { allPages, Collection } from './collection.js';
import { Memo, OURS_OR_NAMED, sendOptions, unlessMissing, type InventorySource } from './source.js';

/**
 * Instances, the key pair and the Ubuntu images, read once per plan:
 *  - instances carrying our project tag or a Name, in any state (finds look at the live ones; a terminated
 *    one the plan saw tells a RunInstances answer replaying an earlier launch from a new instance);
 *  - the key pair by its name (with its public key, to compare with the operator's);
 *  - Canonical's Ubuntu 24.04 images (the newest is the one to launch; an instance on an older one is fine).
 * Waits (an instance becoming running or terminated) look live, every instance awaited in one call per round.
 */
export class ComputeInventory {
  readonly instances: Collection<Instance>;
  readonly keyPairs: Memo<KeyPairInfo | undefined>;
  private readonly images: Memo<Image[]>;
  private awaited = new Map<string, { resolve: (instance: Instance | undefined) => void; reject: (error: unknown) => void }[]>();
  private round: Promise<void> | undefined;

  constructor(private readonly source: InventorySource) {
    const ec2 = source.aws.ec2;
    const options = sendOptions(source);
    this.instances = new Collection(
      'instances',
      (i) => i.InstanceId,
      () => allPages(paginateDescribeInstances({ client: ec2 }, { Filters: [OURS_OR_NAMED] }, options), (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? [])),
      source.ledger,
    );
    this.keyPairs = new Memo('key pairs', source.ledger, (name) =>
      unlessMissing(
        async () => (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name], IncludePublicKey: true }), options)).KeyPairs?.find((p) => p.KeyName === name),
        'InvalidKeyPair.NotFound',
      ),
    );
    this.images = new Memo(
      'images',
      source.ledger,
      async () => (await ec2.send(new DescribeImagesCommand({ Owners: [UBUNTU_IMAGE.owner], Filters: UBUNTU_IMAGE_FILTERS }), options)).Images ?? [],
    );
  }

  /** The live instances (pending, running, stopping, stopped) of the read, with what this run saw since. */
  async liveInstances(): Promise<Instance[]> {
    return (await this.instances.all()).filter(isLive);
  }

  /** One instance by id: from the read, else (untagged, launched since, or long gone) asked by id. */
  async instance(instanceId: string): Promise<Instance | undefined> {
    const known = await this.instances.get(instanceId);
    if (known) return known;
    const live = await instanceById(this.source.aws.ec2, instanceId, this.source.signal);
    if (live) this.instances.put(live);
    return live;
  }

  keyPair(name: string): Promise<KeyPairInfo | undefined> {
    return this.keyPairs.get(name);
  }

  /** Canonical's Ubuntu 24.04 amd64 images DescribeImages lists (filters re-checked by the caller). */
  ubuntuImages(): Promise<Image[]> {
    return this.images.get(UBUNTU_IMAGE.namePattern);
  }

  /**
   * A live look at an instance being waited for, `afterMs` from now, together with every other instance
   * awaited by then (instances launched together are waited for together: one DescribeInstances a round).
   */
  look(instanceId: string, afterMs: number): Promise<Instance | undefined> {
    const look = new Promise<Instance | undefined>((resolve, reject) => {
      this.awaited.set(instanceId, [...(this.awaited.get(instanceId) ?? []), { resolve, reject }]);
    });
    this.round ??= sleep(afterMs, this.source.signal)
      .then(() => this.lookNow())
      .catch((error: unknown) => this.settle(undefined, error));
    return look;
  }

  private async lookNow(): Promise<void> {
    const ids = [...this.awaited.keys()];
    // By filter, not by id: an instance not visible yet is absent from the answer, not an error for all.
    const seen = await allPages(
      paginateDescribeInstances({ client: this.source.aws.ec2 }, { Filters: [{ Name: 'instance-id', Values: ids }] }, sendOptions(this.source)),
      (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
    );
    for (const instance of seen) this.instances.put(instance);
    this.settle(new Map(seen.map((i) => [i.InstanceId ?? '', i])));
  }

  private settle(seen: Map<string, Instance> | undefined, error?: unknown): void {
    const awaited = this.awaited;
    this.awaited = new Map();
    this.round = undefined;
    for (const [id, waiters] of awaited) {
      for (const waiter of waiters) {
        if (seen) waiter.resolve(seen.get(id));
        else waiter.reject(error);
      }
    }
  }

  /** One image by id: among the Ubuntu images read, else asked by id. */
  async image(imageId: string): Promise<Image | undefined> {
    const known = (await this.ubuntuImages()).find((i) => i.ImageId === imageId);
    return known ?? imageById(this.source.aws.ec2, imageId, this.source.signal);
  }
}
