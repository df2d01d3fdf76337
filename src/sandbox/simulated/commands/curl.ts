import type { Command } from 'just-bash';
import type { CommandEnv, HttpAnswer } from '../host.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';

/**
 * curl on a simulated host: the URL is answered by what listens on that port of this host (localhost,
 * its own addresses), of another simulated host the network lets it reach, or by the simulated package
 * mirror; anything else cannot be resolved. Nothing leaves the process.
 */

const VALUED = ['-o', '--output', '-w', '--write-out', '-m', '--max-time', '--connect-timeout', '--proto', '-X', '--request', '-H', '--header', '-A', '--user-agent', '--retry'];

/** curl's `-w` format: %{http_code} and friends, `\n`/`\t` escapes. */
function writeOut(format: string, status: number, url: string, location?: string): string {
  const redirect = status >= 300 && status < 400 && location !== undefined ? new URL(location, url).href : '';
  const vars: Record<string, string> = { http_code: String(status).padStart(3, '0'), response_code: String(status).padStart(3, '0'), url_effective: url, redirect_url: redirect, exitcode: '0' };
  return format.replace(/%\{([a-z_]+)\}/g, (all, name: string) => vars[name] ?? all).replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\r/g, '\r');
}

export function curl(env: CommandEnv): Command {
  return command('curl', async (args, ctx) => {
    env.host.record(['curl', ...args]);
    const parsed = parseArgs(args, VALUED);
    const flag = (...names: string[]) => names.some((name) => parsed.flags.has(name));
    const silent = flag('-s', '--silent') && !flag('-S', '--show-error');
    const [target] = parsed.operands;
    if (!target) return fail('curl: no URL specified!', 2);
    let url: URL;
    try {
      url = new URL(/^[a-z]+:\/\//i.test(target) ? target : `http://${target}`);
    } catch {
      return fail(`curl: (3) URL rejected: Malformed input to a URL function`, 3);
    }
    const error = (code: number, message: string) => {
      const format = parsed.values.get('-w') ?? parsed.values.get('--write-out');
      return fail(silent ? '' : `curl: (${code}) ${message}`, code, format ? writeOut(format, 0, url.href) : '');
    };
    let answer: HttpAnswer | undefined;
    for (let hops = 0; ; hops += 1) {
      const result = env.world.http(env.host, url);
      if (result.kind === 'error') return error(result.code, result.message);
      answer = result.answer;
      const location = answer.headers?.['location'];
      if (!flag('-L', '--location') || answer.status < 300 || answer.status >= 400 || location === undefined || hops >= 10) break;
      url = new URL(location, url);
    }
    if (flag('-f', '--fail') && answer.status >= 400) return error(22, `The requested URL returned error: ${answer.status}`);
    const output = parsed.values.get('-o') ?? parsed.values.get('--output');
    let stdout = '';
    if (output === undefined || output === '-') stdout += answer.body;
    else if (output !== '/dev/null') await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, output), answer.body);
    const format = parsed.values.get('-w') ?? parsed.values.get('--write-out');
    if (format !== undefined) stdout += writeOut(format, answer.status, url.href, answer.headers?.['location']);
    return ok(stdout);
  });
}
