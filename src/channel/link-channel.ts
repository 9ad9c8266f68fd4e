// One link's channel as the gNB array receives it in the uplink: a list of components, each a plane wave
// with a delay, a complex amplitude (propagation only: the antennas are applied per element by array.ts),
// a direction at the site and a Doppler shift at the UE. Components are
// - specular paths (LOS, reflections, diffractions) with the complex amplitude the field calculation gives
//   (src/radio/field.ts: phase -k L, Fresnel and UTD coefficients), and
// - diffuse clusters: the scattering tiles of a link binned by delay and direction (src/raytrace/diffuse.ts),
//   each with the power of its tiles and its own power-weighted delay and directions. Diffuse scattering from
//   a rough surface has a random phase (Degli-Esposti et al. 2007); the field of a cluster of such tiles is a
//   sum of many random phasors, a circular complex Gaussian whose variance is the cluster's power, so its
//   amplitude is drawn from CN(0, P) (Rayleigh magnitude, uniform phase) from the link's seeded stream.
// Doppler (the UE moves, the site stands): nu = v . u / lambda, u the unit vector from the UE toward the
// component's last interaction (or the site), v the UE's velocity (trajectories.arrow speed and heading). The
// component's amplitude at time t after the reference instant is a e^{j 2 pi nu t}.

import type { NormalStream } from '../util/gaussian.ts';

/** Component kinds (LinkChannel.diffuse). */
export const SPECULAR = 0;
export const DIFFUSE = 1;
/** A diffuse cluster binned coarsely: too weak to be a first path or to move an AoA, it only adds power (diffuse-clusters.ts). */
export const DIFFUSE_COARSE = 2;

export interface LinkChannel {
  count: number;
  /** Delay, s. */
  delay: Float64Array;
  /** Complex amplitude (antennas excluded): |a|^2 is the propagation gain. */
  re: Float64Array;
  im: Float64Array;
  /** Direction at the site toward where the component arrives from: azimuth from +x CCW and elevation, rad. */
  az: Float64Array;
  el: Float64Array;
  /** Doppler shift at the UE, Hz. */
  doppler: Float64Array;
  /** The component's kind: SPECULAR, DIFFUSE (a cluster at the receiver's resolution) or DIFFUSE_COARSE (a weak one). */
  diffuse: Uint8Array;
}

/** UE velocity in the map frame (m/s): speed along heading (rad from +x CCW), horizontal. */
export function velocity(speed: number, heading: number): [number, number, number] {
  return [speed * Math.cos(heading), speed * Math.sin(heading), 0];
}

/** Doppler shift (Hz) of a component leaving the UE along unit vector (ux, uy, uz) for velocity v. */
export function dopplerHz(v: readonly number[], ux: number, uy: number, uz: number, wavelength: number): number {
  return (v[0] * ux + v[1] * uy + v[2] * uz) / wavelength;
}

/** A link's channel built component by component; reused from link to link (reset). */
export class ChannelBuilder implements LinkChannel {
  count = 0;
  delay = new Float64Array(64);
  re = new Float64Array(64);
  im = new Float64Array(64);
  az = new Float64Array(64);
  el = new Float64Array(64);
  doppler = new Float64Array(64);
  diffuse = new Uint8Array(64);

  reset(): this {
    this.count = 0;
    return this;
  }

  private grow(): void {
    const n = 2 * this.delay.length;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.delay = f64(this.delay);
    this.re = f64(this.re);
    this.im = f64(this.im);
    this.az = f64(this.az);
    this.el = f64(this.el);
    this.doppler = f64(this.doppler);
    const d = new Uint8Array(n);
    d.set(this.diffuse);
    this.diffuse = d;
  }

  /** A component with a known complex amplitude (a specular path). Directions: site side as (az, el) in rad. */
  add(delay: number, re: number, im: number, az: number, el: number, doppler: number, diffuse = SPECULAR): this {
    if (this.count === this.delay.length) this.grow();
    const i = this.count++;
    this.delay[i] = delay;
    this.re[i] = re;
    this.im[i] = im;
    this.az[i] = az;
    this.el[i] = el;
    this.doppler[i] = doppler;
    this.diffuse[i] = diffuse;
    return this;
  }

  /** A diffuse cluster of power `gain` (kind DIFFUSE or DIFFUSE_COARSE): amplitude drawn from CN(0, gain). */
  addDiffuse(gain: number, delay: number, az: number, el: number, doppler: number, normals: NormalStream, kind = DIFFUSE): void {
    const s = Math.sqrt(gain / 2);
    this.add(delay, s * normals.next(), s * normals.next(), az, el, doppler, kind);
  }
}
