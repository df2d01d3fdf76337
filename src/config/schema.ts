import { z } from 'zod';

/**
 * The configuration file (`aws-runbook.yaml`). Every field has the seed runbook's value as its default,
 * so an empty file describes the seed's infrastructure, corrected (DESIGN.md §5).
 * Cross-field rules (overlaps, subnet inside its VPC, known region) live in `validate.ts`.
 */

export const AZ_LETTER = z
  .string()
  .regex(/^[a-f]$/, 'an availability-zone letter, a to f (the zone is the region name plus this letter)');

export const subnetSchema = z.object({
  cidr: z.string(),
  az: AZ_LETTER,
});

export const vpcSchema = z.object({
  cidr: z.string(),
  public: subnetSchema,
  private: z.array(subnetSchema).min(1),
});

export const instanceSchema = z.object({
  type: z.string(),
});

export const configSchema = z
  .object({
    /** Short project suffix used in every Name tag (seed: BFHK). */
    suffix: z.string().default('BFHK'),
    region: z.string().default('us-east-2'),
    network: z
      .object({
        mvp: vpcSchema.default({
          cidr: '10.1.0.0/16',
          public: { cidr: '10.1.1.0/24', az: 'a' },
          private: [
            { cidr: '10.1.2.0/24', az: 'b' },
            { cidr: '10.1.3.0/24', az: 'a' },
          ],
        }),
        ia: vpcSchema.default({
          cidr: '10.2.0.0/16',
          public: { cidr: '10.2.1.0/24', az: 'a' },
          private: [{ cidr: '10.2.2.0/24', az: 'a' }],
        }),
        cyber: vpcSchema.default({
          cidr: '10.3.0.0/16',
          public: { cidr: '10.3.1.0/24', az: 'a' },
          private: [{ cidr: '10.3.2.0/24', az: 'a' }],
        }),
      })
      .strict()
      .prefault({}),
    access: z
      .object({
        /** The operator's own address range, for SSH and admin UIs. No default: the setup form asks. */
        adminCidr: z.string().optional(),
        /** Allow 0.0.0.0/0 as adminCidr (never the default). */
        allowOpenAdminCidr: z.boolean().default(false),
        publicKeyPath: z.string().default('~/.ssh/id_ed25519.pub'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        instanceClass: z.string().default('db.m7g.large'),
        allocatedStorageGb: z.number().int().default(400),
        engineVersion: z.string().default('10.11.9'),
        backupRetentionDays: z.number().int().default(7),
      })
      .strict()
      .prefault({}),
    instances: z
      .object({
        ecommerce: instanceSchema.default({ type: 't3.small' }),
        wordpress: instanceSchema.default({ type: 't3.small' }),
        gitlab: instanceSchema.default({ type: 't3.large' }),
        monitoring: instanceSchema.default({ type: 't3.micro' }),
        ia: instanceSchema.default({ type: 't3.micro' }),
      })
      .strict()
      .prefault({}),
    shop: z
      .object({
        /** Local archive or folder holding the licensed Rocket eCommerce source. */
        source: z.string().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type VpcConfig = z.output<typeof vpcSchema>;
export type SubnetConfig = z.output<typeof subnetSchema>;
export type VpcKey = keyof Config['network'];
