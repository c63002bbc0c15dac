/**
 * Reads the fenced code blocks of the Markdown docs (README.md, docs/*.md) and the doc-test
 * directives written as HTML comments right above a block (invisible on GitHub):
 *
 * - `<!-- doctest: skip REASON -->`: the block is not run; the reason (at least a few words) says
 *   why it cannot run standalone and where it is checked instead. Keep these rare.
 * - `<!-- doctest: setup ... -->`: hidden code run before the block, in its language (stand-ins
 *   for a model, a training loop, files a command reads).
 * - `<!-- doctest: check ... -->`: hidden code run after the block (assertions on what it did).
 * - `<!-- doctest: scenario NAME -->`: the fake machine (test/fake-nvml/scenarios/NAME.json);
 *   default `eight-gpu`.
 *
 * How each language is checked (test/docs/doc-blocks.test.ts): `ts`/`js` run with tsx and are
 * type-checked; `sh` runs with bash `-euo pipefail`; `console` (and `text` whose first line is a
 * `$ ` command) is a transcript whose outputs are compared; `json`, `jsonc` and `yaml` parse.
 * Any other block (no language, `text` without a command) must carry `doctest: skip`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One fenced code block and its directives. */
export interface DocBlock {
  /** Path relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `sh`, `console`, ``, …). */
  readonly lang: string;
  /** The block's text (without fences), ending with a newline. */
  readonly code: string;
  /** `doctest: skip` reason, if any. */
  readonly skip?: string;
  /** Hidden code before the block. */
  readonly setup: string;
  /** Hidden code after the block. */
  readonly check: string;
  /** The scenario name. */
  readonly scenario: string;
}

/** The Markdown files whose blocks are tested: README.md and every docs/*.md. */
export function docFiles(root: string): string[] {
  return ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

const DIRECTIVE = /^<!--\s*doctest:\s*(skip|setup|check|scenario)\b([\s\S]*?)-->$/;

/** Parses the fenced blocks of one Markdown file. */
export function parseBlocks(root: string, file: string): DocBlock[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  let pending: string[] = []; // directive comments seen since the last non-blank line
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (fence) {
      const [, indent = '', marks = '', lang = ''] = fence;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j += 1) {
        const current = lines[j] ?? '';
        if (current.trim().startsWith(marks[0]!.repeat(marks.length)) && current.trim().replace(/[`~]/g, '') === '') break;
        body.push(current.startsWith(indent) ? current.slice(indent.length) : current);
      }
      const block: { skip?: string; setup: string; check: string; scenario: string } = { setup: '', check: '', scenario: 'eight-gpu' };
      for (const comment of pending) {
        const match = DIRECTIVE.exec(comment);
        if (!match) continue;
        const [, kind, rest = ''] = match;
        if (kind === 'skip') block.skip = rest.trim();
        else if (kind === 'scenario') block.scenario = rest.trim();
        else block[kind as 'setup' | 'check'] += `${rest.replace(/^[^\n]*\n/, (first) => (first.trim() === '' ? '' : first)).trimEnd()}\n`;
      }
      blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), code: `${body.join('\n')}\n`, ...block });
      pending = [];
      i = j;
      continue;
    }
    if (line.trim().startsWith('<!--')) {
      // A comment, maybe over several lines.
      let comment = line.trim();
      while (!comment.endsWith('-->') && i + 1 < lines.length) {
        i += 1;
        comment += `\n${lines[i] ?? ''}`;
        comment = comment.trimEnd();
      }
      pending.push(comment);
      continue;
    }
    if (line.trim() !== '') pending = [];
  }
  return blocks;
}

/** How a block is checked. */
export type BlockKind = 'program' | 'script' | 'transcript' | 'json' | 'jsonc' | 'yaml' | 'skip' | 'unmarked';

/** The check a block gets, from its language and directives. */
export function blockKind(block: DocBlock): BlockKind {
  if (block.skip !== undefined) return 'skip';
  if (['ts', 'typescript', 'js', 'javascript', 'mjs', 'mts'].includes(block.lang)) return 'program';
  if (['sh', 'bash', 'shell'].includes(block.lang)) return 'script';
  if (block.lang === 'console' || (block.lang === 'text' && block.code.startsWith('$ '))) return 'transcript';
  if (block.lang === 'json') return 'json';
  if (block.lang === 'jsonc') return 'jsonc';
  if (block.lang === 'yaml' || block.lang === 'yml') return 'yaml';
  return 'unmarked';
}

/** One command of a transcript and the output the doc shows for it. */
export interface TranscriptStep {
  readonly command: string;
  readonly expected: string[];
}

/** Splits a transcript: `$ command` lines (a trailing `\` continues one) and their output lines. */
export function transcriptSteps(code: string): TranscriptStep[] {
  const lines = code.replace(/\n$/, '').split('\n');
  const steps: Array<{ command: string; expected: string[] }> = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith('$ ')) {
      let command = line.slice(2);
      while (command.endsWith('\\') && i + 1 < lines.length) {
        i += 1;
        command = `${command.slice(0, -1)}\n${lines[i] ?? ''}`;
      }
      steps.push({ command, expected: [] });
    } else {
      const last = steps.at(-1);
      if (last === undefined) throw new Error(`transcript output before any $ command: ${line}`);
      last.expected.push(line);
    }
  }
  return steps;
}

const DATE_LINE = /^(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})/;

/**
 * Normalises what varies between two runs of the same command on the fake machine: the clock
 * line, the host CPU/memory bars, the hostname in the process panel, and in process rows the
 * PID, USER, %CPU, %MEM and TIME columns (the GPU, type, GPU memory, SM and command stay).
 */
export function normaliseOutput(lines: readonly string[]): string[] {
  return lines.map((raw) => {
    let line = raw.trimEnd();
    line = line.replace(DATE_LINE, '<date>');
    if (/^\[ CPU: /.test(line)) return '<cpu and load>';
    if (/^\[ MEM: /.test(line)) return '<memory and swap>';
    line = line.replace(/(│ Processes:\s+)(\S+@\S+)( │)$/, (_m, head: string, _who: string, tail: string) => `${head.trimEnd()} <user@host>${tail}`);
    // │   0    8322 C    root 38.00GiB  93    58  15.3   0.2  0:01  node train.py.. │
    const row = /^│\s+(\S+)\s+\d+\s+([CGX]+)\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s+(.*?)\s*│$/.exec(line);
    if (row) {
      const [, gpu, type, memory, sm, gmbw, command] = row;
      return `<process gpu=${gpu} type=${type} gpu-mem=${memory} sm=${sm} gmbw=${gmbw} command=${command}>`;
    }
    return line;
  });
}

/**
 * Whether `actual` output lines match the doc's `expected` ones: equal after
 * {@link normaliseOutput}, where `…` in an expected line matches any text and a line that is
 * only `…` matches any number of lines.
 */
export function outputMatches(expected: readonly string[], actual: readonly string[]): boolean {
  const want = normaliseOutput(trimBlankEnds(expected));
  const got = normaliseOutput(trimBlankEnds(actual));
  const lineMatches = (pattern: string, line: string): boolean => {
    if (!pattern.includes('…')) return pattern === line;
    const regex = new RegExp(`^${pattern.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return regex.test(line);
  };
  const match = (i: number, j: number): boolean => {
    if (i === want.length) return j === got.length;
    if (want[i] === '…') {
      for (let k = j; k <= got.length; k += 1) if (match(i + 1, k)) return true;
      return false;
    }
    return j < got.length && lineMatches(want[i]!, got[j]!) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function trimBlankEnds(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start += 1;
  while (end > start && lines[end - 1]!.trim() === '') end -= 1;
  return lines.slice(start, end);
}

/** The text of `normaliseOutput(lines)`, for failure messages. */
export function shown(lines: readonly string[]): string {
  return normaliseOutput(trimBlankEnds(lines)).join('\n');
}
