/**
 * Every published package (a package.json under packages/ or tools/ without "private": true) is
 * packed with `pnpm pack`, installed from its tarball — together with the tarballs of the
 * workspace packages it depends on — into an empty npm project, and imported there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Pkg {
  name: string;
  dir: string;
  bin: Record<string, string>;
}

function publishedPackages(): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ['packages', 'tools']) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base)) {
      const file = join(base, d, 'package.json');
      if (!existsSync(file)) continue;
      const pj = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        private?: boolean;
        bin?: Record<string, string>;
        license?: string;
      };
      if (pj.private) continue;
      out.push({ name: pj.name, dir: join(base, d), bin: pj.bin ?? {} });
    }
  }
  return out;
}

const packages = publishedPackages();
let work: string;
let project: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sr-pack-'));
  const tarballs: string[] = [];
  for (const p of packages) {
    if (!existsSync(join(p.dir, 'dist'))) throw new Error(`${p.name} is not built: run \`pnpm build\` first`);
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: p.dir, encoding: 'utf8' });
    const tgz = out.trim().split('\n').pop()!.trim();
    tarballs.push(tgz.startsWith('/') ? tgz : join(work, tgz));
  }
  project = join(work, 'app');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: project,
    stdio: 'pipe',
  });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('published packages install from their tarballs', () => {
  it('finds the published packages', () => {
    expect(packages.map((p) => p.name)).toContain('@srconnect/emulator');
  });

  for (const p of packages) {
    it(`${p.name} imports cleanly, declares Apache-2.0, and ships its bins`, () => {
      const pj = JSON.parse(readFileSync(join(project, 'node_modules', p.name, 'package.json'), 'utf8')) as {
        license: string;
      };
      expect(pj.license).toBe('Apache-2.0');
      const keys = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(p.name)}); console.log(JSON.stringify(Object.keys(m)))`,
        ],
        { cwd: project, encoding: 'utf8' },
      );
      expect((JSON.parse(keys) as string[]).length).toBeGreaterThan(0);
      for (const bin of Object.keys(p.bin)) {
        const help = execFileSync(join(project, 'node_modules', '.bin', bin), ['--help'], {
          cwd: project,
          encoding: 'utf8',
        });
        expect(help).toContain('Usage');
      }
    });
  }

  it('the emulator starts from the installed tarball', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { startEmulator } = await import('@srconnect/emulator'); const e = await startEmulator(); console.log(e.feHttpUrl); await e.close();",
      ],
      { cwd: project, encoding: 'utf8' },
    );
    expect(out).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });
});
