import { decodeBytesToUtf8, defineCommand, latin1FromBytes, type Command, type ExecResult, type ResolvedCommandContext } from 'just-bash';

/** Small helpers for the simulated hosts' commands. */

export function ok(stdout = '', stderr = ''): ExecResult {
  return { stdout, stderr, exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): ExecResult {
  return { stdout, stderr: stderr.endsWith('\n') || stderr === '' ? stderr : `${stderr}\n`, exitCode };
}

/** A command's stdin as text. */
export function stdinText(ctx: ResolvedCommandContext): string {
  return decodeBytesToUtf8(ctx.stdin);
}

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

/** `-x VALUE`, `--long=VALUE` and `--long VALUE` options, flags, and operands (after `--` everything is an operand). */
export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  operands: string[];
}

/**
 * Parse arguments: `valued` options take a value (`-u USER`, `--user=USER`, `-uUSER`); anything else
 * starting with `-` is a flag (short flags may be grouped: `-sS`).
 */
export function parseArgs(args: readonly string[], valued: readonly string[] = []): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) values.set(name, arg.slice(eq + 1));
      else if (valued.includes(name) && i + 1 < args.length) values.set(name, args[++i] as string);
      else flags.add(name);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j += 1) {
        const name = `-${arg[j]}`;
        if (valued.includes(name)) {
          const rest = arg.slice(j + 1);
          values.set(name, rest || ((args[++i] as string | undefined) ?? ''));
          break;
        }
        flags.add(name);
      }
    } else {
      operands.push(arg);
    }
  }
  return { flags, values, operands };
}
