import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, present } from '../found.js';
import { COMPUTE_STEP_IDS } from './names.js';
import { AMI_NOTES } from './seed-notes.js';
import { newestOf, ubuntuImageCliLine, UBUNTU_IMAGE, type UbuntuImage } from './ubuntu-image.js';
import { inventoryOf } from '../inventory/of-context.js';

function outputsOf(image: UbuntuImage): Outputs {
  return {
    imageId: image.imageId,
    name: image.name,
    creationDate: image.creationDate,
    rootDeviceName: image.rootDeviceName,
    ...(image.rootVolumeSizeGb ? { rootVolumeSizeGb: String(image.rootVolumeSizeGb) } : {}),
  };
}

/**
 * Outputs: `imageId`, `name`, `creationDate`, `rootDeviceName`, `rootVolumeSizeGb` (when the image
 * says). A read-only lookup, never a hard-coded id: the newest Ubuntu 24.04 LTS amd64 image owned by
 * Canonical in the region. Nothing to create or destroy; apply takes the image the plan's read found, and fails when there is none.
 * The images are read only when an instance may be launched: once the lookup is recorded done and every
 * instance it was for (`instanceStepIds`) is recorded and still there, the recorded image is the answer.
 */
export function amiStep(instanceStepIds: readonly string[]): Step {
  const where = (ctx: StepContext) => `${UBUNTU_IMAGE.label} from Canonical (${UBUNTU_IMAGE.owner}) in ${ctx.aws.region}`;

  /** Whether every instance is recorded and still there (pending, running, stopping or stopped): nothing to launch. */
  async function nothingToLaunch(ctx: StepContext): Promise<boolean> {
    const recorded = instanceStepIds.map((stepId) => ctx.output(stepId, 'instanceId'));
    if (recorded.some((instanceId) => instanceId === undefined)) return false;
    const live = new Set((await inventoryOf(ctx).compute.liveInstances()).map((i) => i.InstanceId));
    return recorded.every((instanceId) => live.has(instanceId));
  }
  /** What find answered from the state file without reading the images (for the preview's words). */
  const fromRecord = new WeakSet<FindResult>();

  return {
    id: COMPUTE_STEP_IDS.ami,
    section: 'compute',
    title: `Look up the newest ${UBUNTU_IMAGE.label} image`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const recorded = ctx.recordedAsDone();
      if (recorded?.imageId && (await nothingToLaunch(ctx))) {
        const found = present(recorded, true);
        fromRecord.add(found);
        return found;
      }
      const image = newestOf(await inventoryOf(ctx).compute.ubuntuImages());
      return image ? present(outputsOf(image), true) : ABSENT;
    },

    preview(ctx, found) {
      const cli = [ubuntuImageCliLine()];
      if (found.kind === 'present') {
        const { imageId, name, creationDate } = found.outputs;
        const which = fromRecord.has(found)
          ? `the newest ${where(ctx)} when the instances were launched (every one is there: the images are looked up again when one is to be launched)`
          : `the newest ${where(ctx)}`;
        return { summary: `Use ${imageId} (${name}, published ${creationDate}): ${which}`, cli, notes: AMI_NOTES };
      }
      return {
        summary: `Look up the newest ${where(ctx)}`,
        cli,
        notes: [...AMI_NOTES, `If AWS lists no such image in ${ctx.aws.region}, this step stops the run with an error naming the region.`],
      };
    },

    async apply(ctx): Promise<Outputs> {
      // The plan's read of the images (the same list find chose from).
      const image = newestOf(await inventoryOf(ctx).compute.ubuntuImages());
      if (!image) {
        throw new Error(
          `No ${where(ctx)} is available (DescribeImages with owner ${UBUNTU_IMAGE.owner}, name ${UBUNTU_IMAGE.namePattern}, state available, architecture ${UBUNTU_IMAGE.architecture} found nothing). ` +
            `Check the region (${ctx.aws.region}) and that the account may use public images, then rerun.`,
        );
      }
      ctx.progress(`${image.imageId}: ${image.name}`);
      return outputsOf(image);
    },
  };
}
