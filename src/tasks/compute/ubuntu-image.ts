import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from '../../aws/errors.js';

/** Canonical's AWS account, owner of the official Ubuntu images (the sandbox seeds images under it too). */
export const CANONICAL_OWNER_ID = '099720109477';

/** The image the instances run: Ubuntu 24.04 LTS (noble), amd64, EBS gp3, from Canonical. */
export const UBUNTU_IMAGE = {
  label: 'Ubuntu 24.04 LTS (noble) amd64',
  owner: CANONICAL_OWNER_ID,
  namePattern: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*',
  architecture: 'x86_64',
} as const;

export const UBUNTU_IMAGE_FILTERS = [
  { Name: 'name', Values: [UBUNTU_IMAGE.namePattern] },
  { Name: 'state', Values: ['available'] },
  { Name: 'architecture', Values: [UBUNTU_IMAGE.architecture] },
];

/** `--owners … --filters …` of the equivalent `aws ec2 describe-images` line. */
export function ubuntuImageCliLine(): string {
  return (
    `aws ec2 describe-images --owners ${UBUNTU_IMAGE.owner} --filters 'Name=name,Values=${UBUNTU_IMAGE.namePattern}' ` +
    `Name=state,Values=available Name=architecture,Values=${UBUNTU_IMAGE.architecture} ` +
    `--query 'sort_by(Images,&CreationDate)[-1].[ImageId,Name,CreationDate]' --output text`
  );
}

const PATTERN = new RegExp(`^${UBUNTU_IMAGE.namePattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether an image is one of Canonical's Ubuntu 24.04 amd64 images (filters are re-checked, never trusted). */
export function isWantedUbuntuImage(image: Image): boolean {
  return (
    image.OwnerId === UBUNTU_IMAGE.owner &&
    image.Architecture === UBUNTU_IMAGE.architecture &&
    image.State === 'available' &&
    PATTERN.test(image.Name ?? '')
  );
}

export interface UbuntuImage {
  imageId: string;
  name: string;
  creationDate: string;
  rootDeviceName: string;
  /** The root volume size of the image's snapshot, GB, when it says. */
  rootVolumeSizeGb?: number;
}

function toUbuntuImage(image: Image): UbuntuImage | undefined {
  if (!image.ImageId || !image.Name || !image.CreationDate) return undefined;
  const rootDeviceName = image.RootDeviceName ?? '/dev/sda1';
  const size = image.BlockDeviceMappings?.find((m) => m.DeviceName === rootDeviceName)?.Ebs?.VolumeSize;
  return { imageId: image.ImageId, name: image.Name, creationDate: image.CreationDate, rootDeviceName, ...(size ? { rootVolumeSizeGb: size } : {}) };
}

/** The newest wanted image among these (latest CreationDate; the name's serial date breaks ties), or undefined. */
export function newestOf(images: readonly Image[]): UbuntuImage | undefined {
  const candidates = images.filter(isWantedUbuntuImage).flatMap((image) => toUbuntuImage(image) ?? []);
  candidates.sort((a, b) => b.creationDate.localeCompare(a.creationDate) || b.name.localeCompare(a.name));
  return candidates[0];
}

/** The newest wanted image in the region, asked of AWS now. */
export async function newestUbuntuImage(ec2: EC2Client, signal?: AbortSignal): Promise<UbuntuImage | undefined> {
  const answer = await ec2.send(new DescribeImagesCommand({ Owners: [UBUNTU_IMAGE.owner], Filters: UBUNTU_IMAGE_FILTERS }), signal ? { abortSignal: signal } : {});
  return newestOf(answer.Images ?? []);
}

/** One image by id; undefined when AWS no longer knows it. */
export async function imageById(ec2: EC2Client, imageId: string, signal?: AbortSignal): Promise<Image | undefined> {
  try {
    const answer = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), signal ? { abortSignal: signal } : {});
    return answer.Images?.find((image) => image.ImageId === imageId);
  } catch (error) {
    if (isAwsErrorCode(error, 'InvalidAMIID.NotFound', 'InvalidAMIID.Unavailable', 'InvalidAMIID.Malformed')) return undefined;
    throw error;
  }
}
