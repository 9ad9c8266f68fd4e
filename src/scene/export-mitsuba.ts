import fs from 'node:fs';
import path from 'node:path';
import { writeDirAtomic } from '../util/atomic.ts';
import { SIMGEN_VERSION } from '../util/meta.ts';
import { surfacesToGeometry } from './build.ts';
import { MATERIAL_COLORS, sceneMaterials } from './export-gltf.ts';
import type { Scene } from './types.ts';

// The scene as a Mitsuba 3 XML scene with one binary PLY mesh per material, in the form Sionna RT
// >= 1.0 loads with `sionna.rt.load_scene("scene.xml")`: each material is a bsdf of type
// "itu-radio-material" whose string "type" names the ITU-R P.2040 material (Sionna computes eps/sigma
// at scene.frequency, as simgen does). Coordinates stay in the map frame: Sionna is z-up too.

export interface MitsubaMesh {
  material: string;
  /** Path relative to the XML file. */
  file: string;
  triangles: number;
  ply: Uint8Array;
}

export interface MitsubaScene {
  xml: string;
  meshes: MitsubaMesh[];
}

/** Binary little-endian PLY: float32 x y z per vertex, uchar-counted int32 vertex_indices per face. */
export function encodePly(positions: ArrayLike<number>, index: ArrayLike<number>, comment: string): Uint8Array {
  const nv = positions.length / 3;
  const nf = index.length / 3;
  const header =
    `ply\nformat binary_little_endian 1.0\ncomment ${comment}\nelement vertex ${nv}\n` +
    'property float x\nproperty float y\nproperty float z\n' +
    `element face ${nf}\nproperty list uchar int vertex_indices\nend_header\n`;
  const head = Buffer.from(header, 'ascii');
  const out = new Uint8Array(head.length + nv * 12 + nf * 13);
  out.set(head, 0);
  const view = new DataView(out.buffer);
  let o = head.length;
  for (let i = 0; i < nv * 3; i++, o += 4) view.setFloat32(o, positions[i], true);
  for (let f = 0; f < nf; f++) {
    view.setUint8(o, 3);
    o += 1;
    for (let k = 0; k < 3; k++, o += 4) view.setInt32(o, index[3 * f + k], true);
  }
  return out;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => (parseInt(hex.slice(i, i + 2), 16) / 255).toFixed(3)).join(' ');

export function buildMitsubaScene(scene: Scene): MitsubaScene {
  const meshes: MitsubaMesh[] = sceneMaterials(scene).map((material) => {
    const g = surfacesToGeometry(scene.surfaces.filter((s) => s.material === material));
    const index = g.getIndex()!.array;
    const ply = encodePly(g.getAttribute('position').array, index, `simgen ${SIMGEN_VERSION} map ${scene.map.name} material ${material}, map frame (x east, y north, z up, metres)`);
    return { material, file: `meshes/${material}.ply`, triangles: index.length / 3, ply };
  });
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<!-- simgen ${SIMGEN_VERSION}: map ${scene.map.name}, map frame (x east, y north, z up, metres). -->`,
    '<!-- Load with Sionna RT >= 1.0: sionna.rt.load_scene("scene.xml"); set scene.frequency to the scenario carrier. -->',
    '<scene version="2.1.0">',
  ];
  for (const m of meshes) {
    lines.push(
      `  <bsdf type="itu-radio-material" id="mat-itu_${m.material}">`,
      `    <string name="type" value="${m.material}"/>`,
      `    <rgb name="color" value="${rgb(MATERIAL_COLORS[m.material] ?? '#a0a0a0')}"/>`,
      '  </bsdf>',
    );
  }
  for (const m of meshes) {
    lines.push(
      `  <shape type="ply" id="mesh-${m.material}">`,
      `    <string name="filename" value="${m.file}"/>`,
      '    <boolean name="face_normals" value="true"/>',
      `    <ref id="mat-itu_${m.material}" name="bsdf"/>`,
      '  </shape>',
    );
  }
  lines.push('</scene>', '');
  return { xml: lines.join('\n'), meshes };
}

/**
 * Writes `dir/scene.xml` and `dir/meshes/<material>.ply`. Everything is written into a temporary
 * sibling directory first and swapped in whole, so `dir` is never a mix of two exports.
 */
export function writeMitsubaScene(scene: Scene, dir: string): MitsubaScene {
  const ms = buildMitsubaScene(scene);
  writeDirAtomic(dir, (tmp) => {
    fs.mkdirSync(path.join(tmp, 'meshes'), { recursive: true });
    for (const m of ms.meshes) fs.writeFileSync(path.join(tmp, m.file), m.ply, { flag: 'wx' });
    fs.writeFileSync(path.join(tmp, 'scene.xml'), ms.xml, { flag: 'wx' });
  });
  return ms;
}
