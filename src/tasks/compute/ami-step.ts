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
 */
export function amiStep(): Step {
  const where = (ctx: StepContext) => `${UBUNTU_IMAGE.label} from Canonical (${UBUNTU_IMAGE.owner}) in ${ctx.aws.region}`;

  return {
    id: COMPUTE_STEP_IDS.ami,
    section: 'compute',
    title: `Look up the newest ${UBUNTU_IMAGE.label} image`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const image = newestOf(await inventoryOf(ctx).compute.ubuntuImages());
      return image ? present(outputsOf(image), true) : ABSENT;
    },

    preview(ctx, found) {
      const cli = [ubuntuImageCliLine()];
      if (found.kind === 'present') {
        const { imageId, name, creationDate } = found.outputs;
        return { summary: `Use ${imageId} (${name}, published ${creationDate}): the newest ${where(ctx)}`, cli, notes: AMI_NOTES };
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
