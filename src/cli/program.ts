import { Command, CommanderError } from 'commander';
import { SECTION_IDS } from '../engine/types.js';
import { CHECK_GROUPS } from '../tasks/checks/types.js';
import { EXIT, exitCodeFor, UsageError } from './exit-codes.js';
import { processIO, type CommandIO } from './io.js';
import type { GlobalOptions } from './target.js';
import { packageVersion } from './version.js';

const SECTIONS = SECTION_IDS.join(',');

/**
 * The command line. Each action resolves with the process exit code. Commands are
 * imported when they run: `--help` should not load the AWS SDK, and plain commands should not load Ink.
 */
export function buildProgram(io: (options: GlobalOptions) => CommandIO, setExit: (code: number) => void): Command {
  const program = new Command('aws-runbook');
  const run = (action: (global: GlobalOptions, io: CommandIO) => Promise<number>) => async (_: unknown, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    const commandIO = io(global);
    try {
      setExit(await action(global, commandIO));
    } catch (error) {
      const { code, message } = exitCodeFor(error);
      commandIO.err(`aws-runbook: ${message}`);
      if (global.verbose && error instanceof Error && error.stack && code === EXIT.failed) commandIO.err(error.stack);
      setExit(code);
    }
  };

  // Before the subcommands are added: they inherit these settings (usage errors → exit 2, not exit).
  program.exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .version(packageVersion(), '-V, --version', 'print the version of aws-runbook')
    .description(
      'Build the runbook\'s AWS infrastructure one previewed, confirmed section at a time; resume after any failure.\n' +
        'With no command: the interactive assistant (needs a terminal). Try it with no AWS account: aws-runbook --sandbox',
    )
    .option('--config <file>', "config file (default: aws-runbook.yaml; the runbook's own values when it does not exist)")
    .option('--state <dir>', 'state directory (default .aws-runbook; with --sandbox a throwaway one)')
    .option('--profile <name>', 'AWS profile from your shared config/credentials files')
    .option('--region <region>', 'AWS region (overrides the config file)')
    .option('--endpoint-url <url>', 'send AWS calls to this endpoint, e.g. an emulator such as moto (default: $AWS_ENDPOINT_URL)')
    .option('--sandbox', 'rehearse against a local AWS emulator (moto + gateway): nothing real is created')
    .option('--no-color', 'plain output without colours')
    .option('--verbose', 'more detail: progress lines, stack traces')
    .showHelpAfterError('(run `aws-runbook --help` for the commands)')
    .allowExcessArguments(true)
    .addHelpText(
      'after',
      `
Examples:
  aws-runbook --sandbox                      rehearse the whole runbook locally, no AWS account needed
  aws-runbook init --admin-cidr 203.0.113.7/32
  aws-runbook plan                           preview everything (works offline too)
  aws-runbook up                             preview and confirm each section, then build it
  aws-runbook up --yes --only network        no questions (CI), one section
  aws-runbook status                         where the last run stopped
  aws-runbook verify --json                  the checklist, for CI (exit 1 when a required check fails)
  aws-runbook down                           remove everything (you type the project name)

Exit codes: 0 ok, 1 a step or check failed, 2 bad usage or input, 3 another run holds the lock, 130 stopped by Ctrl-C.`,
    )
    .action(
      run(async (global, commandIO) => {
        if (program.args.length > 0) {
          throw new UsageError(
            `unknown command '${program.args[0]}'. The commands are: init, plan, up, status, map, verify, down, backup, restore, sandbox serve (see \`aws-runbook --help\`).`,
          );
        }
        return (await import('./commands/tui.js')).tuiCommand(global, commandIO);
      }),
    );

  program
    .command('init')
    .description('write the config file (in a terminal with no flags: a short setup form)')
    .option('--suffix <suffix>', 'project suffix used in Name tags (default BFHK, as the runbook)')
    .option('--region <region>', 'AWS region everything is created in (default us-east-2)')
    .option('--admin-cidr <cidr>', 'your own address range for SSH and admin UIs, e.g. 203.0.113.7/32')
    .option('--public-key <path>', 'your SSH public key (default ~/.ssh/id_ed25519.pub)')
    .option('--shop-source <path>', 'the Rocket eCommerce archive or folder')
    .option('--force', 'overwrite an existing config file')
    .action(run(async (global, commandIO) => (await import('./commands/init.js')).initCommand(global, global as never, commandIO)));

  program
    .command('plan')
    .description('the full preview: what each step would do, the equivalent aws CLI, the cost; changes nothing')
    .option('--json', 'machine-readable output')
    .option('--only <sections>', `only these sections (${SECTIONS})`)
    .option('--offline', 'do not ask AWS: plan from the config and the state file alone')
    .action(run(async (global, commandIO) => (await import('./commands/plan.js')).planCommand(global, global as never, commandIO)));

  program
    .command('up')
    .description('apply: preview and confirm each section, then build it; resumes an interrupted run')
    .option('--yes', 'apply without asking (required without a terminal)')
    .option('--only <sections>', `only these sections (${SECTIONS})`)
    .option('--step', 'confirm each step instead of each section')
    .action(
      run(async (global, commandIO) => {
        // The plain output (no questions), and the screens in a terminal, start with one line said before the
        // SDK and the tasks load (not when the command will be refused: --yes with --step, no terminal to ask in).
        const options = global as { yes?: boolean; step?: boolean };
        if (options.yes ? !options.step : commandIO.interactive) await (await import('./first-line.js')).sayTarget('up', global, commandIO);
        return (await import('./commands/up.js')).upCommand(global, global as never, commandIO);
      }),
    );

  program
    .command('map')
    .description('the topology in the terminal: VPCs, subnets, hosts and addresses, gateways, peerings, the ping matrix; changes nothing')
    .option('--json', 'machine-readable output')
    .option('--offline', 'do not ask AWS: draw from the config and the state file alone')
    .action(run(async (global, commandIO) => (await import('./commands/map.js')).mapCommand(global, global as never, commandIO)));

  program
    .command('status')
    .description('what the state file records, per section and step (no AWS call)')
    .option('--json', 'machine-readable output')
    .action(run(async (global, commandIO) => (await import('./commands/status.js')).statusCommand(global, global as never, commandIO)));

  program
    .command('verify')
    .description('the checklist: live AWS and the hosts against the design (network, security, database, storage, hosts, apps, ping matrix); changes nothing')
    .option('--json', 'machine-readable report (stable check ids) for CI')
    .option('--only <groups>', `only these check groups (${CHECK_GROUPS.join(',')})`)
    .action(run(async (global, commandIO) => (await import('./commands/verify.js')).verifyCommand(global, global as never, commandIO)));

  program
    .command('down')
    .description('remove everything this project created, in reverse order (asks you to type the project name)')
    .option('--yes', 'remove without asking (required without a terminal)')
    .option('--only <sections>', `only these sections (${SECTIONS})`)
    .option('--final-snapshot', 'keep a final snapshot of the database before deleting it')
    .action(
      run(async (global, commandIO) => {
        if ((global as { yes?: boolean }).yes || commandIO.interactive) await (await import('./first-line.js')).sayTarget('down', global, commandIO);
        return (await import('./commands/down.js')).downCommand(global, global as never, commandIO);
      }),
    );

  program
    .command('backup')
    .description('dump the databases (mariadb-dump | gzip on the shop host) straight into the backup bucket, now')
    .option('--database <names>', 'only these databases, comma-separated (default: every application database)')
    .action(run(async (global, commandIO) => (await import('./commands/backup.js')).backupCommand(global, global as never, commandIO)));

  program
    .command('restore')
    .description("stream a dump from the backup bucket back into its database on RDS, as the app's own database user (asks you to type the database name)")
    .option('--database <name>', 'the database to restore, shop or wordpress: its newest dump unless --from names one')
    .option('--from <key>', 'the dump to restore: its key under backups/ (or the s3:// URL `aws-runbook backup` prints)')
    .option('--yes', 'restore without asking (required without a terminal)')
    .action(run(async (global, commandIO) => (await import('./commands/restore.js')).restoreCommand(global, global as never, commandIO)));

  const sandbox = program.command('sandbox').description('the local AWS emulator used by --sandbox');
  sandbox
    .command('serve')
    .description('run moto + the gateway on loopback until Ctrl-C, for the aws CLI or any SDK')
    .option('--port <port>', 'gateway port (default: a free one)')
    .option('--latency-scale <factor>', 'added latency, 0 = none, 1 = like real AWS', '0')
    .option('--lab <file>', 'lab map (JSON): answers show these hosts\' addresses, console output, RDS endpoint, secrets')
    .action(run(async (global, commandIO) => (await import('./commands/sandbox-serve.js')).sandboxServeCommand(global as never, commandIO)));

  return program;
}

/** Parse and run; resolves with the exit code. Usage errors exit 2, `--help` 0. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((global) => processIO({ color: global.color }), (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
