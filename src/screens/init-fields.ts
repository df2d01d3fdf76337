import type { InitAnswers, InitField } from './InitForm.js';

/** The setup form's fields, in order: what each sets, an example, and what it is for. */
export const FIELDS: { id: InitField; label: string; placeholder: string; help: string }[] = [
  { id: 'suffix', label: 'Project suffix', placeholder: 'BFHK', help: 'goes into every Name tag' },
  { id: 'region', label: 'Region', placeholder: 'us-east-2', help: 'where everything is created' },
  { id: 'adminCidr', label: 'Admin CIDR', placeholder: '203.0.113.7/32', help: 'your own IP range, for SSH and admin UIs' },
  { id: 'publicKeyPath', label: 'Public key', placeholder: '~/.ssh/id_ed25519.pub', help: 'imported as the EC2 key pair' },
  { id: 'shopSource', label: 'Shop source', placeholder: './rocket-ecommerce.tar.gz', help: 'archive or folder of the shop' },
];

export const DEFAULTS: InitAnswers = { suffix: 'BFHK', region: 'us-east-2', adminCidr: '', publicKeyPath: '~/.ssh/id_ed25519.pub', shopSource: '' };

