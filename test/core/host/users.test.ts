import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { clearUsernameCache, parsePasswd, usernameFromUid } from '../../../src/core/host/index.js';

const linux = process.platform === 'linux';

function getent(uid: number): string | undefined {
  try {
    return execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8' }).split(':')[0];
  } catch {
    return undefined;
  }
}

describe('parsePasswd', () => {
  it('maps uids to names; first entry wins; skips comments, NIS markers and junk', () => {
    const map = parsePasswd(
      ['# comment', 'root:x:0:0:root:/root:/bin/bash', 'toor:x:0:0::/root:/bin/sh', '+nis::::::', 'bad line', 'alice:x:1001:1001::/home/alice:/bin/zsh', ''].join('\n'),
    );
    expect([...map]).toEqual([
      [0, 'root'],
      [1001, 'alice'],
    ]);
  });
});

describe.runIf(linux)('usernameFromUid', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nvitop-users-'));
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, 'ghost:x:54321:54321::/nonexistent:/bin/false\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('agrees with the system database (getent, id -un, os.userInfo)', () => {
    clearUsernameCache();
    const uid = process.getuid?.() as number;
    expect(usernameFromUid(uid)).toBe(os.userInfo().username);
    expect(usernameFromUid(uid)).toBe(execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
    for (const other of [0, 65534]) {
      const expected = getent(other);
      if (expected !== undefined) expect(usernameFromUid(other)).toBe(expected);
    }
  });

  it('asks NSS through getpwuid_r, not only /etc/passwd', () => {
    // With the file fallback pointed at nothing, a name can only come from getpwuid_r.
    const expected = getent(0);
    expect(usernameFromUid(0, { passwdFile: path.join(dir, 'missing') })).toBe(expected ?? 'root');
  });

  it('falls back to a passwd file, then to the numeric uid', () => {
    expect(usernameFromUid(54321, { nss: false, passwdFile: passwd })).toBe('ghost');
    expect(usernameFromUid(54321, { nss: false, passwdFile: path.join(dir, 'missing') })).toBe('54321');
    const unknown = 3_999_999_999;
    expect(usernameFromUid(unknown)).toBe(getent(unknown) ?? String(unknown));
    expect(usernameFromUid(-1)).toBe('-1');
  });
});
