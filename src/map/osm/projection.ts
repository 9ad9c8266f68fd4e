import type { Point2 } from '../types.ts';

// WGS84 longitude/latitude <-> the map frame: a local east-north-up (ENU) tangent plane at the origin
// (the map's south-west corner), on the WGS84 ellipsoid, height 0. x = east, y = north (the up
// component is dropped: at 1 km from the origin the ground lies ~8 cm below the tangent plane, and
// horizontal distances differ from ground distances by ~1e-8 relative). Exact formulas, no library:
// geodetic -> ECEF (Earth-centred, Earth-fixed) -> rotation into the ENU axes of the origin.

const A = 6378137; // WGS84 semi-major axis, m
const F = 1 / 298.257223563; // WGS84 flattening
const E2 = F * (2 - F); // first eccentricity squared
const RAD = Math.PI / 180;

type Vec3 = [number, number, number];

function ecef(lonDeg: number, latDeg: number, h = 0): Vec3 {
  const lon = lonDeg * RAD;
  const lat = latDeg * RAD;
  const n = A / Math.sqrt(1 - E2 * Math.sin(lat) ** 2);
  return [(n + h) * Math.cos(lat) * Math.cos(lon), (n + h) * Math.cos(lat) * Math.sin(lon), (n * (1 - E2) + h) * Math.sin(lat)];
}

/** ECEF -> [lon deg, lat deg, h m] (fixed-point iteration; converges to < 1e-12 rad in a few steps near the surface). */
function geodetic([x, y, z]: Vec3): Vec3 {
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - E2));
  let h = 0;
  for (let i = 0; i < 8; i++) {
    const n = A / Math.sqrt(1 - E2 * Math.sin(lat) ** 2);
    h = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (E2 * n) / (n + h)));
  }
  return [Math.atan2(y, x) / RAD, lat / RAD, h];
}

/** The projection of one map: lon/lat of its origin, forward and inverse. */
export class LocalFrame {
  private readonly o: Vec3;
  private readonly sl: number;
  private readonly cl: number;
  private readonly sp: number;
  private readonly cp: number;

  constructor(readonly lon0: number, readonly lat0: number) {
    this.o = ecef(lon0, lat0);
    this.sl = Math.sin(lon0 * RAD);
    this.cl = Math.cos(lon0 * RAD);
    this.sp = Math.sin(lat0 * RAD);
    this.cp = Math.cos(lat0 * RAD);
  }

  private enu(lon: number, lat: number, h = 0): Vec3 {
    const [x, y, z] = ecef(lon, lat, h);
    const [dx, dy, dz] = [x - this.o[0], y - this.o[1], z - this.o[2]];
    return [-this.sl * dx + this.cl * dy, -this.sp * this.cl * dx - this.sp * this.sl * dy + this.cp * dz, this.cp * this.cl * dx + this.cp * this.sl * dy + this.sp * dz];
  }

  /** [lon, lat] degrees -> [x east, y north] metres. */
  toMap(lon: number, lat: number): Point2 {
    const [e, n] = this.enu(lon, lat);
    return [e, n];
  }

  /** [x, y] metres -> [lon, lat] degrees of the ground point (height 0) that projects there. */
  toLonLat(x: number, y: number): Point2 {
    let u = 0;
    let lonLat: Vec3 = [this.lon0, this.lat0, 0];
    for (let i = 0; i < 6; i++) {
      const d: Vec3 = [-this.sl * x - this.sp * this.cl * y + this.cp * this.cl * u, this.cl * x - this.sp * this.sl * y + this.cp * this.sl * u, this.cp * y + this.sp * u];
      lonLat = geodetic([this.o[0] + d[0], this.o[1] + d[1], this.o[2] + d[2]]);
      u -= lonLat[2]; // the height above the ellipsoid is (to ~1e-8) a move along the up axis
    }
    return [lonLat[0], lonLat[1]];
  }
}
