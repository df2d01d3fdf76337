import { readInstanceProfile, readRole, type ProfileFacts, type RoleFacts } from '../backup/iam-lookup.js';
import { Memo, type InventorySource } from './source.js';

/**
 * The backup role (with its policies) and instance profile, each read once per plan under its
 * deterministic name. IAM is read only when a backup step asks (never prefetched: most plans do not).
 */
export class IamInventory {
  readonly roles: Memo<RoleFacts | undefined>;
  readonly profiles: Memo<ProfileFacts | undefined>;

  constructor(source: InventorySource) {
    this.roles = new Memo('iam roles', source.ledger, (name) => readRole(source.aws, name, source.signal));
    this.profiles = new Memo('iam instance profiles', source.ledger, (name) => readInstanceProfile(source.aws, name, source.signal));
  }

  role(name: string): Promise<RoleFacts | undefined> {
    return this.roles.get(name);
  }

  profile(name: string): Promise<ProfileFacts | undefined> {
    return this.profiles.get(name);
  }
}
