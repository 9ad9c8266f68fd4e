import { Color, Group, Mesh, MeshStandardMaterial, DoubleSide } from 'three';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import { writeFileAtomic } from '../util/atomic.ts';
import { surfacesToGeometry } from './build.ts';
import type { Scene } from './types.ts';

// The scene as binary glTF (.glb) for any 3D viewer: one mesh per material, vertices in the map
// frame (x east, y north, z up, metres) under one root node whose matrix turns them y-up, as glTF wants.

/** Display colours (sRGB) of the ITU-R P.2040 materials; anything else is grey. */
export const MATERIAL_COLORS: Record<string, string> = {
  concrete: '#8a8a8a',
  brick: '#9c4a3a',
  glass: '#6f8fbf',
  wood: '#8a5a30',
  metal: '#b0b4ba',
  plasterboard: '#d8d4c8',
};

/**
 * GLTFExporter's binary mode reads Blobs through FileReader, which Node does not have: this is the
 * one method it calls (Blob is global since Node 18).
 */
class BlobReader {
  result: ArrayBuffer | null = null;
  onloadend: (() => void) | null = null;
  readAsArrayBuffer(blob: Blob): void {
    void blob.arrayBuffer().then((buf) => {
      this.result = buf;
      this.onloadend?.();
    });
  }
}

/** Materials in the order the exports list them (sorted by name, so the bytes do not depend on map order). */
export function sceneMaterials(scene: Scene): string[] {
  return [...new Set(scene.surfaces.map((s) => s.material))].sort();
}

export async function sceneToGlb(scene: Scene): Promise<Uint8Array> {
  const g = globalThis as { FileReader?: unknown };
  g.FileReader ??= BlobReader;
  const root = new Group();
  root.name = scene.map.name;
  // Map z-up -> glTF y-up: (x, y, z) -> (x, z, -y), set exactly (a rotation would leave 1e-16 terms).
  root.matrixAutoUpdate = false;
  root.matrix.set(1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1);
  for (const material of sceneMaterials(scene)) {
    const geometry = surfacesToGeometry(scene.surfaces.filter((s) => s.material === material));
    geometry.deleteAttribute('surfaceId'); // int32 vertex attributes are not valid glTF
    geometry.computeVertexNormals(); // surfaces share no vertices, so these are the flat face normals
    const mesh = new Mesh(geometry, new MeshStandardMaterial({ name: material, color: new Color(MATERIAL_COLORS[material] ?? '#a0a0a0'), side: DoubleSide }));
    mesh.name = material;
    root.add(mesh);
  }
  const glb = await new GLTFExporter().parseAsync(root, { binary: true });
  if (!(glb instanceof ArrayBuffer)) throw new Error('GLTFExporter did not return a binary .glb');
  return new Uint8Array(glb);
}

/** Writes `file` (.glb) atomically. */
export async function writeGlb(scene: Scene, file: string): Promise<void> {
  writeFileAtomic(file, await sceneToGlb(scene));
}
