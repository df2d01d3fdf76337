import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';

/**
 * The project's documents stay true to the tree: every relative link and anchor in them resolves, every
 * file path they quote exists, every `docs/….md#anchor` a comment cites resolves, and nothing cites a
 * document outside the project. Anchors are GitHub's (github-slugger, the slugs github.com renders).
 */
const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = ['README.md', 'test/lab/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const CODE_DIRS = ['src', 'test', 'bench'];

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : filesUnder(path);
    return /\.(ts|tsx|mjs|md)$/.test(entry.name) ? [path] : [];
  });
}

const anchorCache = new Map<string, Set<string>>();
/** The anchors GitHub gives a Markdown file's headings (code blocks skipped; duplicates get -1, -2…). */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) anchors.add(slugger.slug(heading[1].replace(/`/g, '')));
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** What is wrong with a link from `from` to `target` (a path, a #anchor, or both), or undefined. */
function brokenLink(from: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(ROOT, from) : resolve(dirname(join(ROOT, from)), decodeURIComponent(path));
  if (!existsSync(file)) return `${from}: ${target}: no such file`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md') || statSync(file).isDirectory()) return `${from}: ${target}: an anchor into a file that is not Markdown`;
  if (!anchorsOf(file).has(anchor)) return `${from}: ${target}: ${relative(ROOT, file)} has no heading with the anchor #${anchor}`;
  return undefined;
}

describe('the documents', () => {
  it('every relative link and anchor in README.md and docs/ resolves', () => {
    const broken: string[] = [];
    let links = 0;
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/i.test(target)) continue; // https:, mailto:
        links += 1;
        const problem = brokenLink(doc, target);
        if (problem) broken.push(problem);
      }
    }
    expect(broken).toEqual([]);
    expect(links).toBeGreaterThan(10); // the checker saw the links it checks
  });

  it('every project file path a document quotes exists', () => {
    const missing: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, path] of text.matchAll(/`((?:src|test|bench|docs|scripts)\/[\w./-]+\.(?:ts|tsx|mjs|md|json|yaml))`/g)) {
        if (path && !existsSync(join(ROOT, path))) missing.push(`${doc}: \`${path}\``);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the code cites the design by its pages in docs/, and every such citation resolves', () => {
    const problems: string[] = [];
    let citations = 0;
    for (const file of CODE_DIRS.flatMap(filesUnder)) {
      if (file === 'test/docs/links.test.ts') continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      if (/DESIGN(\.md)?\s*§/.test(text)) problems.push(`${file}: cites a design brief outside the project`);
      for (const [citation] of text.matchAll(/docs\/[\w-]+\.md(?:#[\w-]+)?/g)) {
        citations += 1;
        const problem = brokenLink('README.md', citation);
        if (problem) problems.push(`${file}: ${problem.replace(/^README\.md: /, '')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(citations).toBeGreaterThan(20);
  });

  it('the checker refuses what it should: a missing file, a missing anchor, a heading it slugs like GitHub', () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no such file/);
    expect(brokenLink('README.md', 'docs/design.md#no-such-heading')).toMatch(/no heading with the anchor #no-such-heading/);
    expect(brokenLink('README.md', 'docs/state-and-resume.md#a-steps-life')).toBeUndefined(); // "A step's life"
  });
});
