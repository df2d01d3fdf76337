import { DeleteKeyPairCommand, DescribeKeyPairsCommand, ImportKeyPairCommand, type KeyPairInfo } from '@aws-sdk/client-ec2';
import { cliTagSpecifications, shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { TAG_PROJECT, TAG_STEP, tagSpecifications, tagValue } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext, StepPreview } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { COMPUTE_STEP_IDS, keyPairName } from './names.js';
import { holdsKey, PublicKeyFileError, readOperatorPublicKey, readOperatorPublicKeySync, type OperatorPublicKey } from './public-key.js';
import { keyPairNotes } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

const STEP_ID = COMPUTE_STEP_IDS.keyPair;

/** Outputs: `keyName`, `keyPairId`. The operator's public key imported under the seed's name, KeyVM-S. */
export function keyPairStep(config: Config): Step {
  const name = keyPairName(config);
  const configPath = config.access.publicKeyPath;

  /** Asked of AWS now: after a lost or "duplicate" answer (finds read the plan's inventory). */
  async function describePair(ctx: StepContext): Promise<KeyPairInfo | undefined> {
    try {
      const answer = await ctx.aws.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name], IncludePublicKey: true }), { abortSignal: ctx.signal });
      return answer.KeyPairs?.find((pair) => pair.KeyName === name);
    } catch (error) {
      if (isAwsErrorCode(error, 'InvalidKeyPair.NotFound')) return undefined;
      throw error;
    }
  }

  /** What stands between a described pair and adoption (empty: ours, for this step, holding this key). */
  function problems(ctx: StepContext, pair: KeyPairInfo, key: OperatorPublicKey | undefined): string[] {
    const found: string[] = [];
    const project = tagValue(pair.Tags, TAG_PROJECT);
    if (project !== ctx.project) {
      found.push(
        `key pair ${name} (${pair.KeyPairId ?? '?'}) exists but its ${TAG_PROJECT} tag is ${project === undefined ? 'missing' : `"${project}"`}, not "${ctx.project}": ` +
          `it was not imported by aws-runbook for this project (delete it with \`aws ec2 delete-key-pair --key-name ${name}\` if nothing uses it, or change the suffix in the config)`,
      );
    } else if (tagValue(pair.Tags, TAG_STEP) !== STEP_ID) {
      found.push(`key pair ${name} is ours but tagged for step ${tagValue(pair.Tags, TAG_STEP) ?? '(none)'}, not ${STEP_ID}`);
    }
    if (key && !holdsKey(pair, key)) {
      found.push(
        `key pair ${name} holds another public key (fingerprint ${pair.KeyFingerprint ?? 'unknown'}), not ${key.path} (${key.awsFingerprint}); ` +
          `AWS cannot change the key of a key pair: point access.publicKeyPath at the key it was imported from, or delete it (\`aws ec2 delete-key-pair --key-name ${name}\`, instances launched with it keep the old key) and rerun`,
      );
    }
    return found;
  }

  /** After a lost or "duplicate" answer: the pair, when it is ours and holds this key. */
  async function ours(ctx: StepContext, key: OperatorPublicKey): Promise<Outputs | undefined> {
    const pair = await describePair(ctx);
    if (!pair?.KeyPairId || problems(ctx, pair, key).length > 0) return undefined;
    return { keyName: name, keyPairId: pair.KeyPairId };
  }

  async function importKey(ctx: StepContext, key: OperatorPublicKey): Promise<Outputs> {
    try {
      return await mutate(
        ctx,
        'ImportKeyPair',
        async (abortSignal) => {
          const command = new ImportKeyPairCommand({
            KeyName: name,
            PublicKeyMaterial: Buffer.from(key.material, 'utf8'),
            TagSpecifications: tagSpecifications('key-pair', ctx.tags(name)),
          });
          const answer = await ctx.aws.ec2Once.send(command, { abortSignal });
          return { keyName: name, keyPairId: required(answer.KeyPairId, 'a KeyPairId (ImportKeyPair)') };
        },
        { refind: () => ours(ctx, key) },
      );
    } catch (error) {
      if (!isAwsErrorCode(error, 'InvalidKeyPair.Duplicate')) throw error;
      // "Already exists" is success only when what exists is ours and holds this very key.
      const existing = await ours(ctx, key);
      if (existing) return existing;
      const pair = await describePair(ctx);
      throw new RunbookConflictError(
        pair ? problems(ctx, pair, key).join('; ') : `key pair ${name} already exists`,
        'Run `aws-runbook plan` to see the conflict; then rerun.',
      );
    }
  }

  function importLine(ctx: StepContext): string {
    return (
      `aws ec2 import-key-pair --key-name ${name} --public-key-material ${shellQuote(`fileb://${configPath}`)} ` +
      `${cliTagSpecifications('key-pair', ctx.tags(name))} --query KeyPairId --output text`
    );
  }

  return {
    id: STEP_ID,
    section: 'compute',
    title: `Key pair ${name} (your public key)`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const pair = await inventoryOf(ctx).compute.keyPair(name);
      if (!pair) return ABSENT;
      // The local key is only needed to compare: a teardown must still find the pair when the key file is gone.
      const key = await readOperatorPublicKey(configPath).catch((error: unknown) => {
        if (error instanceof PublicKeyFileError) return undefined;
        throw error;
      });
      const differences = problems(ctx, pair, key);
      const isOurs = tagValue(pair.Tags, TAG_PROJECT) === ctx.project;
      return present(isOurs && pair.KeyPairId ? { keyName: name, keyPairId: pair.KeyPairId } : { keyName: name }, isOurs, differences);
    },

    preview(ctx, found): StepPreview {
      let key: OperatorPublicKey;
      try {
        key = readOperatorPublicKeySync(configPath);
      } catch (error) {
        if (!(error instanceof PublicKeyFileError)) throw error;
        return { summary: `Cannot import key pair ${name}: ${error.path} is not usable`, cli: [importLine(ctx)], notes: [`Problem: ${error.message}`] };
      }
      const id = found.kind === 'present' ? found.outputs.keyPairId : undefined;
      return stepPreview(found, {
        what: `key pair ${name} from ${configPath} (${key.type}, ${key.awsFingerprint})`,
        ...(id ? { id } : {}),
        create: [importLine(ctx)],
        notes: keyPairNotes(name, configPath),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      if (found.kind === 'present') {
        const outputs = adoptableOutputs(found, STEP_ID, 'keyName', 'keyPairId');
        return { keyName: outputs.keyName as string, keyPairId: outputs.keyPairId as string };
      }
      const key = await readOperatorPublicKey(configPath);
      const outputs = await importKey(ctx, key);
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const keyName = outputs.keyName ?? name;
      await removeIdempotently(
        ctx,
        'DeleteKeyPair',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteKeyPairCommand({ KeyName: keyName }), { abortSignal }),
        ['InvalidKeyPair.NotFound'],
      );
    },

    destroyPreview(_ctx, outputs) {
      const keyName = outputs.keyName ?? name;
      return {
        summary: `Delete key pair ${keyName}${outputs.keyPairId ? ` (${outputs.keyPairId})` : ''} (your local key files are not touched)`,
        cli: [`aws ec2 delete-key-pair --key-name ${keyName}`],
      };
    },
  };
}
