import { materialAt, type MaterialModel, type ScatteringParams } from '../../map/materials.ts';
import { DEFAULT_CANDIDATE_RAYS } from '../../raytrace/index.ts';
import type { Scenario } from '../../scenario/load.ts';
import { extrudeMap } from '../../scene/build.ts';
import type { NpyArray } from '../../util/npz.ts';
import { SIMGEN_VERSION } from '../../util/meta.ts';
import { MAX_PATHS, type PathSelection } from './matrices.ts';
import type { RaytracePaths } from './read-paths.ts';

// params.json of a DeepMIMO v4 scenario and its scene files, with the keys DeepMIMO's converters write
// (deepmimo/converters/*/..._converter.py: version, rt_params, txrx_sets, materials, scene) and the field
// sets of its dataclasses: RayTracingParameters (core/rt_params.py), TxRxSet (core/txrx.py), Material
// (core/materials.py), Scene.export_data (core/scene.py: vertices.npz + objects.json). DeepMIMO rebuilds
// TxRxSet and Material from these dicts (TxRxSet(**d), Material(**d)), so they hold exactly those fields;
// simgen's own details go in rt_params.raw_params, which DeepMIMO keeps as given.

/** The DeepMIMO release whose layout this follows (deepmimo/__init__.py __version__). */
export const DEEPMIMO_VERSION = '4.0.1';

function txrxSet(id: number, name: string, isTx: boolean, points: number, activePoints: number) {
  return {
    name,
    id_orig: id,
    id,
    is_tx: isTx,
    is_rx: !isTx,
    num_points: points,
    num_active_points: activePoints,
    // One antenna per point: the powers are isotropic; DeepMIMO applies its own arrays when it generates channels.
    num_ant: 1,
    dual_pol: false,
    ant_rel_positions: [[0, 0, 0]],
    array_orientation: [0, 0, 0],
    grid_spacing: null,
  };
}

function material(id: number, m: MaterialModel, freqHz: number, sc: ScatteringParams) {
  const fGHz = freqHz / 1e9;
  return {
    id,
    name: m.name,
    // ITU-R P.2040 at the carrier: eps' = a f^b, sigma = c f^d (S/m). DeepMIMO's itu_a..d use another
    // parametrisation (eps = a + b f^c + j d f^c), so they stay null; the P.2040 constants are in raw_params.
    permittivity: m.a * fGHz ** m.b,
    conductivity: m.c * fGHz ** m.d,
    // DeepMIMO's models: none, lambertian, directive (Degli-Esposti's lobes; lambda 1 = no backscatter lobe).
    scattering_model: sc.coefficient === 0 ? 'none' : sc.pattern === 'lambertian' ? 'lambertian' : 'directive',
    scattering_coefficient: sc.coefficient,
    cross_polarization_coefficient: sc.crossPolarizedFraction,
    alpha_r: sc.alphaR,
    alpha_i: sc.alphaI,
    lambda_param: sc.pattern === 'backscatter' ? sc.lambda : 1,
    roughness: 0,
    thickness: 0,
    vertical_attenuation: 0,
    horizontal_attenuation: 0,
    itu_a: null,
    itu_b: null,
    itu_c: null,
    itu_d: null,
  };
}

export interface DeepMimoScene {
  params: Record<string, unknown>;
  /** objects.json: one object per building ("buildings") and the ground ("terrain"). */
  objects: unknown[];
  /** vertices.npz, key "vertices": [n_vertices, 3] float32. */
  vertices: NpyArray;
}

/** params.json, objects.json and vertices.npz for the paths of `p` traced in `scenario`. */
export function deepMimoParams(scenario: Scenario, p: RaytracePaths, sel: PathSelection): DeepMimoScene {
  const rt = scenario.raytrace;
  const freqHz = rt.carrierFreqHz;
  const { surfaces } = extrudeMap(scenario.map);

  const names = [...new Set(surfaces.map((s) => s.material))].sort();
  const models = names.map((n) => materialAt(n, freqHz, `map material "${n}"`, rt.allowMaterialOutOfRange));
  const materialId = new Map(names.map((n, i) => [n, i]));

  // Scene.export_data: a shared vertex list (deduplicated) and per object its faces as vertex indices
  // (polygon corners in order) with one material index per face.
  const vertexIndex = new Map<string, number>();
  const xyz: number[] = [];
  const objects: { name: string; label: string; id: number; face_vertex_idxs: number[][]; face_material_idxs: number[] }[] = [];
  let triangles = 0;
  for (const s of surfaces) {
    const name = s.buildingId === null ? 'ground' : `building ${s.buildingId}`;
    let obj = objects.find((o) => o.name === name);
    if (!obj) objects.push((obj = { name, label: s.buildingId === null ? 'terrain' : 'buildings', id: objects.length, face_vertex_idxs: [], face_material_idxs: [] }));
    obj.face_vertex_idxs.push(
      s.vertices.map((v) => {
        const key = v.join(',');
        let i = vertexIndex.get(key);
        if (i === undefined) {
          vertexIndex.set(key, (i = vertexIndex.size));
          xyz.push(...v);
        }
        return i;
      }),
    );
    obj.face_material_idxs.push(materialId.get(s.material)!);
    triangles += s.vertices.length - 2;
  }

  const nr = p.receivers.trajectoryId.length;
  const ns = p.sites.length;
  const activeRx = Array.from({ length: nr }, (_, r) => p.linkCount.subarray(r * ns, (r + 1) * ns).some((c) => c > 0)).filter(Boolean).length;
  const activeTx = p.sites.filter((_, s) => Array.from({ length: nr }, (_, r) => p.linkCount[r * ns + s]).some((c) => c > 0)).length;
  let maxScattering = 0;
  for (const label of new Set(p.interactions)) if (label !== 'LOS') maxScattering = Math.max(maxScattering, [...label].filter((c) => c === 'S').length);
  // links.arrow metadata without its sites (listed with their transmitter index below).
  const { sites: _sites, ...raytraceMeta } = p.metadata;
  const maxReflections = Number(p.metadata.max_reflection_order ?? rt.maxReflectionOrder);

  const params = {
    version: DEEPMIMO_VERSION,
    rt_params: {
      raytracer_name: 'simgen',
      raytracer_version: SIMGEN_VERSION,
      frequency: freqHz,
      max_path_depth: Math.max(maxReflections, sel.maxInteractions),
      max_reflections: maxReflections,
      max_diffractions: p.metadata.diffraction === 'false' ? 0 : 1,
      // One scattering event at most (the last interaction); 0 when none was found.
      max_scattering: maxScattering,
      max_transmissions: 0,
      // Reflections allowed in paths with diffuse scattering (before it): raytrace.scattering.reflections_before.
      diffuse_reflections: rt.scattering?.reflectionsBefore ?? 0,
      diffuse_diffractions: 0,
      diffuse_transmissions: 0,
      // simgen scatters only as the last interaction, with random phase (added as power).
      diffuse_final_interaction_only: true,
      diffuse_random_phases: rt.scattering !== null,
      terrain_reflection: true,
      terrain_diffraction: false,
      terrain_scattering: rt.materialScattering[scenario.map.groundMaterial].coefficient > 0,
      // Candidate interaction sequences come from rays shot on a Fibonacci sphere; every path is then exact (image method).
      num_rays: DEFAULT_CANDIDATE_RAYS,
      ray_casting_method: 'uniform',
      synthetic_array: true,
      ray_casting_range_az: 360,
      ray_casting_range_el: 180,
      gps_bbox: [0, 0, 0, 0],
      raw_params: {
        simgen_raytrace: raytraceMeta,
        transmitters: 'the sites: transmitter index i of t000 is the site with the (i+1)-th smallest id (raw_params.sites)',
        receivers:
          p.receiverSource === 'trajectories'
            ? 'trajectory samples, ordered by (trajectory_id, sample): simgen_receivers.npz'
            : 'the points of the --rx CSV file, in file order (simgen_receivers.npz: sample = data row from 0, trajectory_id -1)',
        sites: p.sites.map((s, i) => ({ tx_idx: i, ...s })),
        power: 'propagation gain |a|^2 in dB between isotropic antennas (0 dBW transmitted); the sites array gain and the UE transmit power are not included',
        paths: `the ${MAX_PATHS} strongest per link, strongest first; ${sel.linksCut} link(s) had more (${sel.pathsCut} path(s) left out)`,
        map: scenario.map.name,
        scenario: scenario.name,
        seed: scenario.seed,
        materials_itu_p2040: models.map(({ name, a, b, c, d }) => ({ name, a, b, c, d })),
      },
    },
    txrx_sets: {
      txrx_set_0: txrxSet(0, 'gNB sites', true, ns, activeTx),
      txrx_set_1: txrxSet(1, p.receiverSource === 'trajectories' ? 'trajectory samples' : 'rx points', false, nr, activeRx),
    },
    materials: Object.fromEntries(models.map((m, i) => [`material_${i}`, material(i, m, freqHz, rt.materialScattering[m.name])])),
    scene: { num_scenes: 1, n_objects: objects.length, n_vertices: vertexIndex.size, n_faces: surfaces.length, n_triangular_faces: triangles },
  };
  return { params, objects, vertices: { data: Float32Array.from(xyz), shape: [vertexIndex.size, 3] } };
}
