import { describe, expect, it } from 'vitest';
import { wrapNote } from '../../src/render/wrap-note.js';

const NOTES = [
  'SANDBOX — nothing real is created: AWS is emulated by moto behind the gateway at http://127.0.0.1:35085.',
  'SANDBOX — access.adminCidr is not set: the rehearsal uses 203.0.113.7/32 (a documentation range).',
  'SANDBOX — ~/.ssh/id_ed25519.pub cannot be read: the rehearsal imports a throwaway key (/tmp/aws-runbook-sandbox-XaGZzn/sandbox-key.pub).',
  'SANDBOX — STRIPE_PUBLISHABLE_KEY and STRIPE_SECRET_KEY are not set: the rehearsal uses fake test keys (pk_test_…/sk_test_…), in this process only.',
];

describe('wrapNote: the sandbox notes before a command runs, in an 80-column terminal', () => {
  it('cuts at words (no word split, no row wider than the terminal) and loses no character', () => {
    for (const note of NOTES) {
      const rows = wrapNote(note, 80).split('\n');
      expect(rows.every((row) => row.length <= 80), rows.join('\n')).toBe(true);
      const words = note.split(' ');
      // Every word of the note is whole on some row (the terminal never splits one).
      for (const word of words) expect(rows.some((row) => row.split(' ').includes(word)), word).toBe(true);
      expect(rows.map((row) => row.trim()).join(' ')).toBe(note);
    }
  });

  it('leaves a note whole when the output is not a terminal', () => {
    expect(wrapNote(NOTES[2]!, undefined)).toBe(NOTES[2]);
  });
});
