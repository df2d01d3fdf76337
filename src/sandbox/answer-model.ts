import { stampImageCreationDates } from './image-dates.js';
import { ReadinessModel, type ReadinessKind } from './readiness.js';
import type { RequestIdentity } from './request-identity.js';

/**
 * What the gateway changes in moto's successful answers, and what it learns from them: the readiness
 * model (pending/creating while young) and the seeded images' creation dates. Everything else in an
 * answer is passed through as moto wrote it; an answer that does not parse is passed through whole.
 */
export class AnswerModel {
  private readonly readiness = new ReadinessModel();
  private readonly hasImageDates: boolean;

  constructor(private readonly imageDates: Readonly<Record<string, string>> = {}) {
    this.hasImageDates = Object.keys(imageDates).length > 0;
  }

  setReadyAfter(overrides: Partial<Record<ReadinessKind, number>> | undefined): void {
    this.readiness.setReadyAfter(overrides);
  }

  /** Whether the gateway must hold this call's answer whole (to learn from it or rewrite it). */
  needsBody(identity: Pick<RequestIdentity, 'protocol' | 'action'>): boolean {
    if (identity.protocol !== 'ec2' && identity.protocol !== 'query') return false;
    return this.readiness.concerns(identity.action) || (this.hasImageDates && identity.action === 'DescribeImages');
  }

  /** Learn from a successful answer moto gave (creation times). */
  learn(identity: Pick<RequestIdentity, 'action'>, answer: Buffer, now: number): void {
    this.readiness.observe(identity.action, answer.toString('utf8'), now);
  }

  /** The answer the client gets instead of moto's, or undefined to pass moto's through unchanged. */
  rewrite(identity: Pick<RequestIdentity, 'protocol' | 'action'>, answer: Buffer, now: number, scale: number): Buffer | undefined {
    if (!this.needsBody(identity)) return undefined;
    const text = answer.toString('utf8');
    const dated = this.hasImageDates && identity.action === 'DescribeImages' ? stampImageCreationDates(text, this.imageDates) : undefined;
    const ready = this.readiness.rewrite(identity.action, dated ?? text, now, scale);
    const final = ready ?? dated;
    return final === undefined ? undefined : Buffer.from(final, 'utf8');
  }

  clear(): void {
    this.readiness.clear();
  }
}
