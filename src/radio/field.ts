import { materialAt, NO_SCATTERING, relativePermittivity, type ScatteringParams } from '../map/materials.ts';
import type { Scene } from '../scene/types.ts';
import { fresnelInto } from './fresnel.ts';
import type { PropagationPath } from './path.ts';
import { wedgeCoefficientsInto } from './utd.ts';

// The electromagnetic field of one exact propagation path (image geometry from src/raytrace).
// a = lambda/(4 pi) * spreading * (E_rx . p_rx) * e^{-j k L}: E is the unit transmit polarisation vector
// carried along the path as a complex 3-vector; each reflection splits it into its TE / TM components with
// respect to the plane of incidence and applies the Fresnel coefficients of the surface's material; each
// diffraction splits it into the edge-fixed soft / hard components and applies the UTD wedge coefficient.
// A surface with diffuse scattering coefficient S reflects specularly only R = sqrt(1 - S^2) of the field:
// its Fresnel coefficients are scaled by R, in reflections and in the UTD reflection terms of its edges (as
// in Sionna RT, which keeps the UTD field continuous with the reduced reflected field); the rest is the
// diffuse field of scattering.ts.
// Antenna gains are not included (isotropic ends): the array gain is applied by the caller (antenna.ts).

export const SPEED_OF_LIGHT = 299792458;

export type Polarization = 'vertical' | 'horizontal';

/** Per-scene constants the field calculation needs, flattened into typed arrays. */
export interface FieldContext {
  freqHz: number;
  wavelength: number;
  /** Wavenumber 2 pi / lambda. */
  k: number;
  polarization: Polarization;
  /** Per surface: outward unit normal (3 values) and complex permittivity eta (re, im). */
  surfaceNormal: Float64Array;
  surfaceEta: Float64Array;
  /** Per surface: diffuse-scattering parameters of its material and the specular factor R = sqrt(1 - S^2). */
  surfaceScattering: ScatteringParams[];
  surfaceR: Float64Array;
  /** Per edge: unit direction a -> b, face-0 unit tangent t0 (in face 0, away from the edge), face-0 normal. */
  edgeDir: Float64Array;
  edgeT0: Float64Array;
  edgeN0: Float64Array;
  /** Per edge: exterior wedge angle / pi. */
  edgeN: Float64Array;
  /** Per edge: eta of face 0 and of face n (re, im), and the faces' specular factors R. */
  edgeEta0: Float64Array;
  edgeEtaN: Float64Array;
  edgeR0: Float64Array;
  edgeRN: Float64Array;
}

export interface PathField {
  /** Linear propagation power gain |a|^2 (spreading, Fresnel, UTD; antennas excluded). LOS: (lambda/(4 pi d))^2. */
  gain: number;
  /** Complex amplitude a including the phase e^{-j k L}, for coherent combining. */
  re: number;
  im: number;
  /** Unfolded path length / c. */
  delaySeconds: number;
  lengthMeters: number;
}

/**
 * Flattens the scene's materials for the field calculation. `scattering` gives the diffuse-scattering
 * parameters of a material (default: none, S = 0).
 */
export function makeFieldContext(
  scene: Scene,
  freqHz: number,
  polarization: Polarization,
  allowOutOfRange: boolean,
  scattering: (material: string) => ScatteringParams = () => NO_SCATTERING,
): FieldContext {
  const wavelength = SPEED_OF_LIGHT / freqHz;
  const S = scene.surfaces.length;
  const surfaceNormal = new Float64Array(3 * S);
  const surfaceEta = new Float64Array(2 * S);
  const surfaceScattering: ScatteringParams[] = new Array(S);
  const surfaceR = new Float64Array(S);
  const etaOf = new Map<string, [number, number]>();
  for (const s of scene.surfaces) {
    let eta = etaOf.get(s.material);
    if (!eta) {
      const where = s.buildingId === null ? `map ground material` : `map building ${s.buildingId} ${s.kind} material`;
      eta = relativePermittivity(materialAt(s.material, freqHz, where, allowOutOfRange), freqHz);
      etaOf.set(s.material, eta);
    }
    surfaceNormal.set(s.normal, 3 * s.id);
    surfaceEta.set(eta, 2 * s.id);
    surfaceScattering[s.id] = scattering(s.material);
    surfaceR[s.id] = Math.sqrt(1 - surfaceScattering[s.id].coefficient ** 2);
  }
  const E = scene.edges.length;
  const edgeDir = new Float64Array(3 * E);
  const edgeT0 = new Float64Array(3 * E);
  const edgeN0 = new Float64Array(3 * E);
  const edgeN = new Float64Array(E);
  const edgeEta0 = new Float64Array(2 * E);
  const edgeEtaN = new Float64Array(2 * E);
  const edgeR0 = new Float64Array(E);
  const edgeRN = new Float64Array(E);
  for (const e of scene.edges) {
    const d = [e.b[0] - e.a[0], e.b[1] - e.a[1], e.b[2] - e.a[2]];
    const l = Math.hypot(d[0], d[1], d[2]);
    const u = [d[0] / l, d[1] / l, d[2] / l];
    const [n0, n1] = e.normals;
    // t0 = +-(n0 x u), the sign that points along face 0 away from face n (t0 . n1 < 0 for a convex wedge).
    let t = [n0[1] * u[2] - n0[2] * u[1], n0[2] * u[0] - n0[0] * u[2], n0[0] * u[1] - n0[1] * u[0]];
    if (t[0] * n1[0] + t[1] * n1[1] + t[2] * n1[2] > 0) t = [-t[0], -t[1], -t[2]];
    edgeDir.set(u, 3 * e.id);
    edgeT0.set(t, 3 * e.id);
    edgeN0.set(n0, 3 * e.id);
    edgeN[e.id] = e.n;
    edgeEta0[2 * e.id] = surfaceEta[2 * e.faces[0]];
    edgeEta0[2 * e.id + 1] = surfaceEta[2 * e.faces[0] + 1];
    edgeEtaN[2 * e.id] = surfaceEta[2 * e.faces[1]];
    edgeEtaN[2 * e.id + 1] = surfaceEta[2 * e.faces[1] + 1];
    edgeR0[e.id] = surfaceR[e.faces[0]];
    edgeRN[e.id] = surfaceR[e.faces[1]];
  }
  return {
    freqHz, wavelength, k: (2 * Math.PI) / wavelength, polarization,
    surfaceNormal, surfaceEta, surfaceScattering, surfaceR, edgeDir, edgeT0, edgeN0, edgeN, edgeEta0, edgeEtaN, edgeR0, edgeRN,
  };
}

// Scratch buffers of the hot path (single-threaded per worker; pathFieldInto is not re-entrant).
let dirs = new Float64Array(3 * 16); // unit direction of each segment
let lens = new Float64Array(16); // length of each segment
const Ev = new Float64Array(6); // polarisation vector: re xyz, im xyz
const v = new Float64Array(3);
const fr = new Float64Array(4);
const axis = new Float64Array(3);
const fn = new Float64Array(4);
const dc = new Float64Array(4); // D soft (re, im), D hard (re, im)
const ut = new Float64Array(12); // bases: s/beta' (0), p_in/phi' (3), p_out/beta (6), phi (9)

/** Unit polarisation vector of the given kind for propagation direction d (at d[o..o+2]) into v. */
function polarizationVector(horizontal: boolean, d: ArrayLike<number>, o: number): void {
  const dx = d[o], dy = d[o + 1], dz = d[o + 2];
  if (horizontal) {
    // phi-hat = z x d / |z x d|
    const h = Math.hypot(dx, dy);
    if (h < 1e-12) { v[0] = 0; v[1] = 1; v[2] = 0; return; }
    v[0] = -dy / h; v[1] = dx / h; v[2] = 0;
  } else {
    // component of z-hat transverse to d (minus theta-hat): (z - (z.d) d) / |...|
    const h = Math.sqrt(Math.max(0, 1 - dz * dz));
    if (h < 1e-12) { v[0] = 1; v[1] = 0; v[2] = 0; return; }
    v[0] = (-dz * dx) / h; v[1] = (-dz * dy) / h; v[2] = (1 - dz * dz) / h;
  }
}

/** u[o..] = normalize(a x b) for a = arr[ao..], b = brr[bo..]; returns |a x b| before normalisation. */
function crossNorm(u: Float64Array, o: number, a: Float64Array, ao: number, b: Float64Array, bo: number): number {
  const x = a[ao + 1] * b[bo + 2] - a[ao + 2] * b[bo + 1];
  const y = a[ao + 2] * b[bo] - a[ao] * b[bo + 2];
  const z = a[ao] * b[bo + 1] - a[ao + 1] * b[bo];
  const l = Math.hypot(x, y, z);
  if (l > 0) { u[o] = x / l; u[o + 1] = y / l; u[o + 2] = z / l; }
  return l;
}

/** u[o..] = a x b (no normalisation). */
function cross(u: Float64Array, o: number, a: Float64Array, ao: number, b: Float64Array, bo: number): void {
  const x = a[ao + 1] * b[bo + 2] - a[ao + 2] * b[bo + 1];
  const y = a[ao + 2] * b[bo] - a[ao] * b[bo + 2];
  const z = a[ao] * b[bo + 1] - a[ao + 1] * b[bo];
  u[o] = x; u[o + 1] = y; u[o + 2] = z;
}

/** A vector perpendicular to the unit vector at d[o..] into u[uo..] (used when a cross product degenerates). */
function anyPerpendicular(u: Float64Array, uo: number, d: Float64Array, o: number): void {
  const ax = Math.abs(d[o]), ay = Math.abs(d[o + 1]), az = Math.abs(d[o + 2]);
  const e = ax <= ay && ax <= az ? 0 : ay <= az ? 1 : 2;
  axis.fill(0);
  axis[e] = 1;
  crossNorm(u, uo, d, o, axis, 0);
}

/**
 * Re-expresses E in the output basis: E' = c1 (E . b1in) b1out + c2 (E . b2in) b2out, with the basis
 * vectors at ut[0], ut[3] (in) and ut[6], ut[9] (out) and complex factors c1, c2.
 */
function rebase(c1r: number, c1i: number, c2r: number, c2i: number): void {
  const a1r = Ev[0] * ut[0] + Ev[1] * ut[1] + Ev[2] * ut[2];
  const a1i = Ev[3] * ut[0] + Ev[4] * ut[1] + Ev[5] * ut[2];
  const a2r = Ev[0] * ut[3] + Ev[1] * ut[4] + Ev[2] * ut[5];
  const a2i = Ev[3] * ut[3] + Ev[4] * ut[4] + Ev[5] * ut[5];
  const f1r = c1r * a1r - c1i * a1i, f1i = c1r * a1i + c1i * a1r;
  const f2r = c2r * a2r - c2i * a2i, f2i = c2r * a2i + c2i * a2r;
  for (let j = 0; j < 3; j++) {
    Ev[j] = f1r * ut[6 + j] + f2r * ut[9 + j];
    Ev[3 + j] = f1i * ut[6 + j] + f2i * ut[9 + j];
  }
}

/**
 * Carries the transmit polarisation along the path into the scratch vector Ev (Fresnel and UTD factors
 * applied, no spreading) and returns the spreading factor; the path's unfolded length goes to `propagated`.
 */
const propagated = { length: 0 };
function propagate(ctx: FieldContext, path: PropagationPath): number {
  const V = path.vertices;
  const nSeg = V.length - 1;
  if (lens.length < nSeg) { lens = new Float64Array(2 * nSeg); dirs = new Float64Array(6 * nSeg); }
  let total = 0;
  for (let i = 0; i < nSeg; i++) {
    const a = V[i], b = V[i + 1];
    const dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
    const l = Math.sqrt(dx * dx + dy * dy + dz * dz);
    lens[i] = l;
    dirs[3 * i] = dx / l; dirs[3 * i + 1] = dy / l; dirs[3 * i + 2] = dz / l;
    total += l;
  }
  polarizationVector(ctx.polarization === 'horizontal', dirs, 0);
  Ev[0] = v[0]; Ev[1] = v[1]; Ev[2] = v[2]; Ev[3] = Ev[4] = Ev[5] = 0;

  // Spreading: 1/L for a chain of reflections (image source); with diffraction 1/s' at the first edge,
  // then sqrt(s'/(s (s + s'))) per edge with unfolded s', s (point source, straight edge).
  let spread = 1;
  let diffracted = false;
  let sPrev = 0; // unfolded distance from the last caustic (site or edge) to the current vertex
  for (let i = 0; i < nSeg; i++) {
    if (i > 0) {
      const kind = path.kinds[i - 1], id = path.ids[i - 1];
      const di = 3 * (i - 1), dO = 3 * i;
      if (kind === 'R') {
        const no = 3 * id;
        const n = ctx.surfaceNormal;
        const cosT = dirs[di] * n[no] + dirs[di + 1] * n[no + 1] + dirs[di + 2] * n[no + 2];
        // TE unit s = d_in x n / |..|; p_in = s x d_in; p_out = s x d_out (fresnel.ts sign convention).
        if (crossNorm(ut, 0, dirs, di, n, no) < 1e-12) anyPerpendicular(ut, 0, dirs, di);
        cross(ut, 3, ut, 0, dirs, di);
        ut[6] = ut[0]; ut[7] = ut[1]; ut[8] = ut[2];
        cross(ut, 9, ut, 0, dirs, dO);
        fresnelInto(fr, 0, ctx.surfaceEta[2 * id], ctx.surfaceEta[2 * id + 1], cosT);
        const R = ctx.surfaceR[id];
        rebase(R * fr[0], R * fr[1], R * fr[2], R * fr[3]);
      } else {
        // Edge-fixed frame: phi-hat' = e x s'/|e x s'|, beta' = phi-hat' x s'; the same with s for the
        // diffracted ray, so both frames coincide on the shadow boundary (s = s').
        const eo = 3 * id;
        const e = ctx.edgeDir, t0 = ctx.edgeT0, n0 = ctx.edgeN0;
        const cosB = dirs[di] * e[eo] + dirs[di + 1] * e[eo + 1] + dirs[di + 2] * e[eo + 2];
        const sinB = Math.sqrt(Math.max(1e-24, 1 - cosB * cosB));
        // phi' = angle of the direction toward the source (-d_in), phi = of d_out, both from face 0.
        let phiP = Math.atan2(-(dirs[di] * n0[eo] + dirs[di + 1] * n0[eo + 1] + dirs[di + 2] * n0[eo + 2]),
          -(dirs[di] * t0[eo] + dirs[di + 1] * t0[eo + 1] + dirs[di + 2] * t0[eo + 2]));
        let phi = Math.atan2(dirs[dO] * n0[eo] + dirs[dO + 1] * n0[eo + 1] + dirs[dO + 2] * n0[eo + 2],
          dirs[dO] * t0[eo] + dirs[dO + 1] * t0[eo + 1] + dirs[dO + 2] * t0[eo + 2]);
        if (phiP < 0) phiP += 2 * Math.PI;
        if (phi < 0) phi += 2 * Math.PI;
        // s' = unfolded distance from the previous caustic, s = to the next edge or the UE.
        const sP = sPrev;
        let s = 0;
        for (let j = i; j < nSeg; j++) {
          s += lens[j];
          if (j + 1 < nSeg && path.kinds[j] === 'D') break;
        }
        spread = (diffracted ? spread : 1 / sP) * Math.sqrt(sP / (s * (s + sP)));
        diffracted = true;
        const kL = (ctx.k * s * sP * sinB * sinB) / (s + sP);
        // Luebbers: the reflection terms carry the Fresnel coefficients of face 0 and face n, both taken
        // at the incidence angle of the specular reflection that turns the incident ray into the
        // diffracted one: grazing angle (pi - |phi - phi'|)/2, so cos(theta) = sin b0 |cos((phi - phi')/2)|.
        // On each reflection boundary this is the face's true angle of incidence (the GO field is matched
        // there) and, symmetric in phi and phi', it keeps D reciprocal (Luebbers' phi' / n pi - phi is not).
        const wn = ctx.edgeN[id];
        const cosI = sinB * Math.abs(Math.cos(0.5 * (phi - phiP)));
        fresnelInto(fr, 0, ctx.edgeEta0[2 * id], ctx.edgeEta0[2 * id + 1], cosI);
        fresnelInto(fn, 0, ctx.edgeEtaN[2 * id], ctx.edgeEtaN[2 * id + 1], cosI);
        scale4(fr, ctx.edgeR0[id]);
        scale4(fn, ctx.edgeRN[id]);
        wedgeCoefficientsInto(dc, 0, wn, phi, phiP, kL, ctx.k, sinB, fr, fn);
        if (crossNorm(ut, 3, e, eo, dirs, di) < 1e-12) anyPerpendicular(ut, 3, dirs, di);
        cross(ut, 0, ut, 3, dirs, di);
        if (crossNorm(ut, 9, e, eo, dirs, dO) < 1e-12) anyPerpendicular(ut, 9, dirs, dO);
        cross(ut, 6, ut, 9, dirs, dO);
        rebase(dc[0], dc[1], dc[2], dc[3]);
        sPrev = 0;
      }
    }
    sPrev += lens[i];
  }
  propagated.length = total;
  return diffracted ? spread : 1 / total;
}

/** pathField without allocation: writes into `out` (reuse one object per caller). */
export function pathFieldInto(ctx: FieldContext, path: PropagationPath, out: PathField): PathField {
  const spread = propagate(ctx, path);
  const total = propagated.length;
  const nSeg = path.vertices.length - 1;
  // Receive: project on the UE's polarisation for the arrival direction.
  polarizationVector(ctx.polarization === 'horizontal', dirs, 3 * (nSeg - 1));
  const pr = Ev[0] * v[0] + Ev[1] * v[1] + Ev[2] * v[2];
  const pi = Ev[3] * v[0] + Ev[4] * v[1] + Ev[5] * v[2];
  const m = (ctx.wavelength / (4 * Math.PI)) * spread;
  const ph = -ctx.k * total;
  const cr = Math.cos(ph), ci = Math.sin(ph);
  out.re = m * (pr * cr - pi * ci);
  out.im = m * (pr * ci + pi * cr);
  out.gain = out.re * out.re + out.im * out.im;
  out.lengthMeters = total;
  out.delaySeconds = total / SPEED_OF_LIGHT;
  return out;
}

/** The field of one path (allocates the result; use pathFieldInto in loops). */
export function pathField(ctx: FieldContext, path: PropagationPath): PathField {
  return pathFieldInto(ctx, path, { gain: 0, re: 0, im: 0, delaySeconds: 0, lengthMeters: 0 });
}

/** The field a path brings onto a surface at its last vertex (a scattering tile), for scattering.ts. */
export interface SurfaceIncidence {
  /** |E_i|^2 in the units of PathField.gain: what an isotropic antenna matched to E_i would receive there. */
  power: number;
  /** Gamma^2 = (|r_TE E_TE|^2 + |r_TM E_TM|^2) / |E_i|^2: the power reflectivity of the surface for E_i. */
  gamma2: number;
  /** Share of |E_i|^2 in the scenario's polarisation kind (vertical or horizontal) for the incident direction. */
  coPolarShare: number;
  cosThetaI: number;
  /** Unit propagation direction of the incident ray. */
  dir: [number, number, number];
  lengthMeters: number;
}

/**
 * The incident field of `path` at its last vertex, a point of surface `surface` (the path's kinds and ids
 * hold its interactions before that point). Fresnel coefficients at the true angle of incidence.
 */
export function surfaceIncidence(ctx: FieldContext, path: PropagationPath, surface: number): SurfaceIncidence {
  const spread = propagate(ctx, path);
  const o = 3 * (path.vertices.length - 2);
  const m = (ctx.wavelength / (4 * Math.PI)) * spread;
  const e2 = Ev[0] ** 2 + Ev[1] ** 2 + Ev[2] ** 2 + Ev[3] ** 2 + Ev[4] ** 2 + Ev[5] ** 2;
  const no = 3 * surface, n = ctx.surfaceNormal;
  const cosT = -(dirs[o] * n[no] + dirs[o + 1] * n[no + 1] + dirs[o + 2] * n[no + 2]);
  // TE along s = d x n, TM along p = s x d (as for a reflection).
  if (crossNorm(ut, 0, dirs, o, n, no) < 1e-12) anyPerpendicular(ut, 0, dirs, o);
  cross(ut, 3, ut, 0, dirs, o);
  const proj = (b: number) => (Ev[0] * ut[b] + Ev[1] * ut[b + 1] + Ev[2] * ut[b + 2]) ** 2 + (Ev[3] * ut[b] + Ev[4] * ut[b + 1] + Ev[5] * ut[b + 2]) ** 2;
  const te = proj(0), tm = proj(3);
  fresnelInto(fr, 0, ctx.surfaceEta[2 * surface], ctx.surfaceEta[2 * surface + 1], cosT);
  polarizationVector(ctx.polarization === 'horizontal', dirs, o);
  const co = (Ev[0] * v[0] + Ev[1] * v[1] + Ev[2] * v[2]) ** 2 + (Ev[3] * v[0] + Ev[4] * v[1] + Ev[5] * v[2]) ** 2;
  return {
    power: m * m * e2,
    gamma2: ((fr[0] ** 2 + fr[1] ** 2) * te + (fr[2] ** 2 + fr[3] ** 2) * tm) / e2,
    coPolarShare: co / e2,
    cosThetaI: cosT,
    dir: [dirs[o], dirs[o + 1], dirs[o + 2]],
    lengthMeters: propagated.length,
  };
}

function scale4(a: Float64Array, f: number): void {
  a[0] *= f;
  a[1] *= f;
  a[2] *= f;
  a[3] *= f;
}
