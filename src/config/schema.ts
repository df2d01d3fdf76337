import { z } from 'zod';
import {
  adminCidrRule,
  allocatedStorageRule,
  backupRetentionRule,
  dbInstanceClassRule,
  engineVersionRule,
  instanceTypeRule,
  regionRule,
  subnetCidrRule,
  suffixRule,
  vpcCidrRule,
  type FieldRule,
} from './field-rules.js';
import { accessProblems, adminRangeOverlapProblems, networkProblems, type PathProblem } from './network-rules.js';

/**
 * The configuration file (`aws-runbook.yaml`). Every field has the seed runbook's value as its default,
 * so an empty file describes the seed's infrastructure, corrected (docs/design.md#network).
 * Field rules (`field-rules.ts`) and cross-field rules (`network-rules.ts`) are attached here as zod
 * refinements carrying a `fix` text; `validate.ts` turns every issue into the operator's format.
 */

/** Attaches a field rule: its problem becomes a custom zod issue with `params.fix`. */
function checked<T extends z.ZodType>(schema: T, rule: FieldRule<z.output<T>>): T {
  return schema.superRefine((value, ctx) => {
    const problem = rule(value as z.output<T>);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { fix: problem.fix }, input: value });
  });
}

function addProblems(ctx: z.RefinementCtx, problems: PathProblem[]): void {
  for (const problem of problems) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, params: { fix: problem.fix } });
  }
}

export const AZ_LETTER = z
  .string()
  .regex(/^[a-f]$/, 'an availability-zone letter, a to f (the zone is the region name plus this letter)');

export const subnetSchema = z
  .object({
    cidr: checked(z.string(), subnetCidrRule),
    az: AZ_LETTER,
  })
  .strict();

export const vpcSchema = z
  .object({
    cidr: checked(z.string(), vpcCidrRule),
    public: subnetSchema,
    private: z.array(subnetSchema).min(1),
  })
  .strict();

export const instanceSchema = z
  .object({
    type: checked(z.string(), instanceTypeRule),
  })
  .strict();

export const configSchema = z
  .object({
    /** Short project suffix used in every Name tag (seed: BFHK). */
    suffix: checked(z.string(), suffixRule).default('BFHK'),
    region: checked(z.string(), regionRule).default('us-east-2'),
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
      .superRefine((network, ctx) => addProblems(ctx, networkProblems(network)))
      .prefault({}),
    access: z
      .object({
        /** The operator's own address range, for SSH and admin UIs. No default: the setup form asks. */
        adminCidr: checked(z.string(), adminCidrRule).optional(),
        /** Allow 0.0.0.0/0 as adminCidr (never the default). */
        allowOpenAdminCidr: z.boolean().default(false),
        publicKeyPath: z.string().min(1).default('~/.ssh/id_ed25519.pub'),
        /** The private half, for SSH to the hosts. Default: publicKeyPath without `.pub`. */
        privateKeyPath: z.string().min(1).optional(),
      })
      .strict()
      .superRefine((access, ctx) => addProblems(ctx, accessProblems(access)))
      .prefault({}),
    database: z
      .object({
        instanceClass: checked(z.string(), dbInstanceClassRule).default('db.m7g.large'),
        allocatedStorageGb: checked(z.number().int(), allocatedStorageRule).default(400),
        engineVersion: checked(z.string(), engineVersionRule).default('10.11.9'),
        backupRetentionDays: checked(z.number().int(), backupRetentionRule).default(7),
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
        source: z.string().min(1).optional(),
        /**
         * The port visitors reach the shop on, one of those its compose file publishes. Unset: the only one
         * it publishes (Rocket eCommerce: 5085, its nginx service).
         */
        port: z.number().int().min(1).max(65535).optional(),
        /** The compose service that runs Django's manage.py. Unset: the one built from the folder holding manage.py. */
        service: z
          .string()
          .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'a compose service name (letters, digits, _ . -)')
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => addProblems(ctx, adminRangeOverlapProblems(config)));

export type ConfigInput = z.input<typeof configSchema>;
/**
 * What the tool read from the shop's own source once the config was loaded (not a field of the file): its
 * compose file's services and published ports, the service that runs manage.py, the `.env` names it will
 * write; or why the source cannot be used. Absent: not read (no shop.source, or a caller that never reads
 * it); the shop's documented defaults apply.
 */
export type ShopFacts =
  | {
      ok: true;
      /** Where the facts come from, for previews: "docker-compose.yml in ~/rocket-ecommerce.zip". */
      from: string;
      services: readonly string[];
      /** Ports published on all interfaces: what the web security group opens. */
      publicPorts: readonly number[];
      /** The one visitors use. */
      port: number;
      manageService: string;
      /** Names (never values) of the variables the shop's `.env` gets. */
      envNames: readonly string[];
      /** Django management commands the source ships (seed_tags…). */
      commands: readonly string[];
    }
  | { ok: false; message: string; fix: string };

export type Config = z.output<typeof configSchema> & { readonly shopFacts?: ShopFacts };
export type VpcConfig = z.output<typeof vpcSchema>;
export type SubnetConfig = z.output<typeof subnetSchema>;
export type VpcKey = keyof Config['network'];
