import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The images the sandbox seeds into moto (`MOTO_AMIS_PATH`), as a real account would see them. moto's
 * own catalogue has no Ubuntu 24.04, and a catalogue given by MOTO_AMIS_PATH replaces all of moto's
 * built-in images.
 */

/** Canonical's AWS account: the owner of the official Ubuntu images. */
export const CANONICAL_OWNER_ID = '099720109477';

export interface SeededImage {
  imageId: string;
  name: string;
  description: string;
  ownerId: string;
  architecture: 'x86_64' | 'arm64';
  /** ISO 8601, as DescribeImages shows it. */
  creationDate: string;
}

const NOBLE = 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04';

/**
 * Newest Canonical amd64 noble first; the others prove the lookup's filters: an older serial
 * ("newest wins"), the arm64 build (architecture filter), a newer image with the same name pattern
 * published by someone else (owner filter) and the previous LTS (name filter). None of these ids is
 * one of the seed's hard-coded ones.
 */
export const SANDBOX_IMAGES: readonly SeededImage[] = [
  {
    imageId: 'ami-0a5e1b0c24d0a7f01',
    name: `${NOBLE}-amd64-server-20250115`,
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'x86_64',
    creationDate: '2025-01-15T09:12:43.000Z',
  },
  {
    imageId: 'ami-0a5e1b0c24d0a7f02',
    name: `${NOBLE}-amd64-server-20240423`,
    description: 'Canonical, Ubuntu, 24.04, amd64 noble image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'x86_64',
    creationDate: '2024-04-23T14:05:11.000Z',
  },
  {
    imageId: 'ami-0a5e1b0c24d0a7f03',
    name: `${NOBLE}-arm64-server-20250301`,
    description: 'Canonical, Ubuntu, 24.04, arm64 noble image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'arm64',
    creationDate: '2025-03-01T08:00:00.000Z',
  },
  {
    imageId: 'ami-0a5e1b0c24d0a7f04',
    name: `${NOBLE}-amd64-server-20251231`,
    description: 'Not from Canonical: a copy published by another account',
    ownerId: '111122223333',
    architecture: 'x86_64',
    creationDate: '2025-12-31T23:00:00.000Z',
  },
  {
    imageId: 'ami-0a5e1b0c24d0a7f05',
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250110',
    description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image',
    ownerId: CANONICAL_OWNER_ID,
    architecture: 'x86_64',
    creationDate: '2025-01-10T10:00:00.000Z',
  },
];

/**
 * moto's catalogue entries (the format of moto/ec2/resources/amis.json). No `creation_date`: moto 5.2
 * parses that field in place in a module-wide list, so the second region or account that loads the
 * catalogue fails ("Parser must be a string ... not datetime"); the gateway stamps the dates onto
 * DescribeImages answers instead (`imageCreationDates`).
 */
export function motoAmiEntries(images: readonly SeededImage[] = SANDBOX_IMAGES): Record<string, unknown>[] {
  return images.map((image) => ({
    ami_id: image.imageId,
    name: image.name,
    description: image.description,
    owner_id: image.ownerId,
    public: true,
    virtualization_type: 'hvm',
    architecture: image.architecture,
    state: 'available',
    platform: null,
    image_type: 'machine',
    hypervisor: 'xen',
    root_device_name: '/dev/sda1',
    root_device_type: 'ebs',
    sriov: 'simple',
  }));
}

/** imageId → creationDate, for the gateway. */
export function imageCreationDates(images: readonly SeededImage[] = SANDBOX_IMAGES): Record<string, string> {
  return Object.fromEntries(images.map((image) => [image.imageId, image.creationDate]));
}

export interface AmiCatalogueFile {
  /** The JSON file to give moto as MOTO_AMIS_PATH. */
  path: string;
  /** Removes the temporary directory holding it. */
  remove(): Promise<void>;
}

/** Writes the catalogue into a fresh temporary directory. */
export async function writeAmiCatalogue(images: readonly SeededImage[] = SANDBOX_IMAGES): Promise<AmiCatalogueFile> {
  const dir = await mkdtemp(join(tmpdir(), 'aws-runbook-amis-'));
  const path = join(dir, 'amis.json');
  try {
    await writeFile(path, JSON.stringify(motoAmiEntries(images), null, 2), 'utf8');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
