/**
 * Drive a program in a real pseudo-terminal through tmux: start it in a detached session of a
 * given size, send keys (or raw bytes such as mouse reports), read the screen (text, or with
 * escape codes for styles), read terminal state (`#{alternate_on}`, `#{cursor_flag}`), resize.
 * Each session gets its own tmux server socket, so parallel test files never meet.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let counter = 0;

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface TmuxOptions {
  readonly columns: number;
  readonly rows: number;
  /** The command line (argv); it runs in `cwd` with `env` added. */
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export class TmuxSession {
  readonly socket = `nvitop-test-${process.pid}-${counter++}`;
  private readonly socketPath: string;

  constructor(options: TmuxOptions) {
    const env = Object.entries(options.env ?? {})
      .filter(([k, v]) => v !== undefined && /^[A-Z_][A-Z0-9_]*$/i.test(k))
      .map(([k, v]) => `${k}=${shellQuote(String(v))}`)
      .join(' ');
    // After the program ends the shell reports its status and stays, so the screen can be read.
    const script = `cd ${shellQuote(options.cwd ?? process.cwd())} && env ${env} ${options.command.map(shellQuote).join(' ')}; echo "EXIT:$?"; sleep 600`;
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(options.columns), '-y', String(options.rows), script);
    this.tmux('set-option', '-t', 'main', 'status', 'off');
    this.socketPath = this.display('#{socket_path}');
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** The screen as text lines (trailing spaces removed). */
  screen(): string[] {
    return this.tmux('capture-pane', '-p', '-t', 'main').split('\n').map((l) => l.trimEnd());
  }

  /** The screen with SGR escape codes. */
  styledScreen(): string[] {
    return this.tmux('capture-pane', '-p', '-e', '-t', 'main').split('\n');
  }

  display(format: string): string {
    return this.tmux('display-message', '-p', '-t', 'main', format).trim();
  }

  /** Named keys (`Down`, `Enter`, `C-c`, `q`, ...) as tmux understands them. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** Raw bytes, unchanged (escape sequences, mouse reports). */
  raw(bytes: string): void {
    this.tmux('send-keys', '-t', 'main', '-H', ...Buffer.from(bytes, 'utf8').toString('hex').match(/../g)!);
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows));
  }

  /** PID of the program (the shell's child). */
  programPid(): number {
    const shell = Number(this.display('#{pane_pid}'));
    const children = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const pid = children.find((p) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'sleep';
      } catch {
        return false;
      }
    });
    if (pid === undefined) throw new Error('program not running');
    return pid;
  }

  /**
   * Poll the screen until `predicate` holds on two captures 40 ms apart (so a frame caught
   * half-painted is not taken for the result); returns the second, or throws with the screen.
   */
  async waitFor(predicate: (lines: string[]) => boolean, what: string, timeoutMs = 15_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let lines: string[] = [];
    for (;;) {
      lines = this.screen();
      if (predicate(lines)) {
        await new Promise((r) => setTimeout(r, 40));
        const again = this.screen();
        if (predicate(again)) return again;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waitForText(text: string, timeoutMs?: number): Promise<string[]> {
    return this.waitFor((lines) => lines.some((l) => l.includes(text)), JSON.stringify(text), timeoutMs);
  }

  /** Stop the tmux server and remove its socket file. */
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(this.socketPath, { force: true });
  }
}

/**
 * How many columns a real terminal (tmux) advances its cursor for `text` (one line, no control
 * characters, under 500 columns): an oracle for the CLI's own measure of emoji and wide
 * characters.
 */
export async function terminalColumns(text: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'nvitop-width-'));
  const file = join(dir, 'line.txt');
  writeFileSync(file, text);
  const session = new TmuxSession({ columns: 500, rows: 3, command: ['sh', '-c', 'cat "$0"; sleep 60', file] });
  try {
    const deadline = Date.now() + 5_000;
    let last = -1;
    for (;;) {
      const x = Number(session.display('#{cursor_x}'));
      if (x > 0 && x === last) return x;
      if (Date.now() > deadline) throw new Error(`the terminal did not print ${JSON.stringify(text)}`);
      last = x;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    session.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
