import { defineCommand, latin1FromBytes, type Command, type ExecResult, type ResolvedCommandContext } from 'just-bash';
import { fail } from '../../emulation/host.js';

/** Small helpers for the simulated hosts' own shell commands (core-commands.ts). */

export { fail, ok, parseArgs } from '../../emulation/host.js';

/** A command's stdin as bytes (latin1-shaped, as just-bash passes bytes along). */
export function stdinBytes(ctx: ResolvedCommandContext): string {
  return latin1FromBytes(ctx.stdin);
}

export type CommandBody = (args: string[], ctx: ResolvedCommandContext) => Promise<ExecResult>;

/** A just-bash command; an exception becomes `NAME: message` on stderr and exit 1, as a crashed tool would print. */
export function command(name: string, body: CommandBody): Command {
  return defineCommand(name, async (args, ctx) => {
    try {
      return await body(args, ctx);
    } catch (error) {
      return fail(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
