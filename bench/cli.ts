import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npx tsx bench/cli.ts [--runs 10]`: start-up of the `simgen` command, `simgen --help` wall time as a user
// sees it (node bin/simgen.js, which runs the compiled dist/; built first so it matches the sources) and
// its peak memory, next to the same through tsx (the sources compiled at every start). Target: <= 0.3 s.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const LIMIT_S = 0.3;

const build = spawnSync('npm', ['run', '--silent', 'build:js'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(1);

// Peak RSS of the child, reported by an exit hook loaded before the CLI.
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

function measure(label: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    times.push((performance.now() - t0) / 1000);
    if (r.status !== 0 || !r.stdout.includes('simgen train')) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  }
  const mem = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], { cwd: root, encoding: 'utf8' });
  const rssMiB = Number(/maxrss (\d+)/.exec(mem.stderr)?.[1]) / 1024;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(3)} s, min ${times[0].toFixed(3)} s, max ${times.at(-1)!.toFixed(3)} s over ${runs} runs; peak RSS ${rssMiB.toFixed(0)} MiB`);
  return median;
}

const median = measure('simgen --help (bin/simgen.js -> dist/)', [path.join(root, 'bin/simgen.js'), '--help']);
measure('same through tsx (src/cli/main.ts)', ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), '--help']);
console.log(`simgen --help ${median <= LIMIT_S ? '<=' : '>'} ${LIMIT_S} s target: ${median <= LIMIT_S ? 'met' : 'MISSED'}`);
