import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import asc from 'assemblyscript/asc';
import { writeFileAtomic } from '../../util/atomic.ts';
import { KERNELS_FMA_WASM, KERNELS_WASM } from './wasm.ts';

// `npm run build:wasm` (run by `npm ci` through prepare): compile the AssemblyScript kernels in
// ./assembly twice, to build/simgen-kernels.wasm (SIMD) and build/simgen-kernels-fma.wasm (SIMD and
// relaxed SIMD: the fused step's multiply-adds, assembly/fma.ts), then check the two properties the
// loaders rely on: the only import is a memory, and there is no data segment (instantiating one would
// write into the backend's memory). Written atomically.

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, 'assembly/index.ts');
const flags = ['-O3', '--noAssert', '--enable', 'simd', '--importMemory', '--noExportMemory', '--runtime', 'stub', '--use', 'abort='];

async function compile(extra: string[]): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main([entry, '--outFile', 'kernels.wasm', ...flags, ...extra], {
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents as Uint8Array;
    },
  });
  if (error || !binary) {
    process.stderr.write(stderr.toString());
    console.error(`build:wasm: compiling ${path.relative(process.cwd(), entry)} failed${error ? `: ${error.message}` : ''}`);
    process.exit(1);
  }
  return binary;
}

/** Section ids of a wasm binary (after the 8-byte header, each section is id, LEB128 size, payload). */
function sectionIds(b: Uint8Array): number[] {
  const ids: number[] = [];
  for (let p = 8; p < b.length; ) {
    ids.push(b[p++]);
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[p++];
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    p += size;
  }
  return ids;
}

const DATA = 11;
const DATA_COUNT = 12;

// Node 20 compiles relaxed SIMD only with this flag (read when a module is compiled; see step-module.ts).
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Write `binary` to `file` after the checks. */
function check(binary: Uint8Array, file: string): void {
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>));
  if (sectionIds(binary).some((id) => id === DATA || id === DATA_COUNT)) {
    console.error('build:wasm: the kernels have a data segment (a constant table or string?); they must not write memory at instantiation');
    process.exit(1);
  }
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'memory') {
    console.error(`build:wasm: the kernels must import only env.memory (got ${imports.map((i) => `${i.module}.${i.name}`).join(', ')})`);
    process.exit(1);
  }
  writeFileAtomic(file, binary);
  console.log(`build:wasm: ${path.relative(process.cwd(), file)} (${binary.length} bytes)`);
}

check(await compile([]), KERNELS_WASM);
check(await compile(['--enable', 'relaxed-simd']), KERNELS_FMA_WASM);
