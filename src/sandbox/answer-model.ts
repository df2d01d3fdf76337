import { stampImageCreationDates } from './image-dates.js';
import type { LabMap } from './lab-map.js';
import { LabOverrides, type InstanceLookup } from './lab-overrides.js';
import { ReadinessModel, type ReadinessKind } from './readiness.js';
import type { RequestIdentity } from './request-identity.js';

type Call = Pick<RequestIdentity, 'service' | 'protocol' | 'action'>;

/**
 * What the gateway changes in moto's successful answers, and what it learns from them: the readiness
 * model (pending/creating while young), the seeded images' creation dates and the lab overrides. They
 * touch different elements, so all of them apply to one answer. Everything else in an answer is passed
 * through as moto wrote it; an answer that does not parse is passed through whole.
 */
export class AnswerModel {
  private readonly readiness = new ReadinessModel();
  private readonly lab = new LabOverrides();
  private readonly hasImageDates: boolean;

  constructor(private readonly imageDates: Readonly<Record<string, string>> = {}) {
    this.hasImageDates = Object.keys(imageDates).length > 0;
  }

  setReadyAfter(overrides: Partial<Record<ReadinessKind, number>> | undefined): void {
    this.readiness.setReadyAfter(overrides);
  }

  /** The addresses the lab map answers for (no secrets). */
  labAddresses(): string[] {
    return this.lab.addresses();
  }

  /** The lab map answers are rewritten with; undefined = none. */
  setLab(map: LabMap | undefined): void {
    this.lab.set(map);
  }

  /** Whether the gateway must hold this call's answer whole (to learn from it or rewrite it). */
  needsBody(identity: Call): boolean {
    if (this.lab.concerns(identity)) return true;
    if (identity.protocol !== 'ec2' && identity.protocol !== 'query') return false;
    return this.readiness.concerns(identity.action) || (this.hasImageDates && identity.action === 'DescribeImages');
  }

  /** Learn from a successful answer moto gave (creation times, instance → step tag). */
  learn(identity: Call, answer: Buffer, now: number): void {
    const text = answer.toString('utf8');
    this.readiness.observe(identity.action, text, now);
    this.lab.observe(identity, text);
  }

  /**
   * The answer the client gets instead of moto's, or undefined to pass moto's through unchanged.
   * `lookup` asks moto about an instance the lab overrides have not seen yet.
   */
  async rewrite(identity: Call, answer: Buffer, now: number, scale: number, lookup?: InstanceLookup): Promise<Buffer | undefined> {
    if (!this.needsBody(identity)) return undefined;
    const text = answer.toString('utf8');
    const dated = this.hasImageDates && identity.action === 'DescribeImages' ? stampImageCreationDates(text, this.imageDates) : undefined;
    const mapped = await this.lab.rewrite(identity, dated ?? text, now, lookup);
    const ready = this.readiness.rewrite(identity.action, mapped ?? dated ?? text, now, scale);
    const final = ready ?? mapped ?? dated;
    return final === undefined ? undefined : Buffer.from(final, 'utf8');
  }

  /** Forget what was learnt about moto's resources (moto was reset); settings stay. */
  clear(): void {
    this.readiness.clear();
    this.lab.clear();
  }
}
