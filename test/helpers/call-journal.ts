import type { InitializeHandlerOptions, InitializeMiddleware, MetadataBearer } from '@smithy/types';
import type { Outputs } from '../../src/engine/types.js';

/**
 * One journal of what a task did, in order: the operations the engine was told of (`begin`), the outputs
 * it recorded (`record`) and the AWS commands it sent (`call`, one per `send`), so tests can check what
 * was sent, and that every change was announced before it went out.
 */
export type JournalEntry =
  | { type: 'begin'; stepId: string; action: string; clientToken?: string }
  | { type: 'record'; stepId: string; outputs: Outputs }
  /** `client`: the name the test gave the client it watches ('ec2', 'ec2Once', 'rds', 's3' …). */
  | { type: 'call'; client: string; action: string; mutating: boolean };

/** A command as it was sent: by which client, which action, with what input. */
export interface SentCommand {
  client: string;
  action: string;
  input: Record<string, unknown>;
}

/** An AWS SDK client (any service): what journalCalls needs of it. */
export interface Watchable {
  middlewareStack: { add(middleware: InitializeMiddleware<object, MetadataBearer>, options: InitializeHandlerOptions): void };
}

/** The actions that only read: Describe… (EC2, RDS), Get…, List… and Head… (S3, STS, IAM). */
const READ_ONLY = /^(Describe|Get|List|Head)/;

/**
 * Journals every command `client` sends, when `send` is called (before the request goes out), as a `call`
 * named `name`, mutating unless its action only reads; with `sent`, keeps each command's input there too.
 */
export function journalCalls(client: Watchable, name: string, journal: JournalEntry[], sent?: SentCommand[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      journal.push({ type: 'call', client: name, action, mutating: !READ_ONLY.test(action) });
      sent?.push({ client: name, action, input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: `testJournal-${name}` },
  );
}
