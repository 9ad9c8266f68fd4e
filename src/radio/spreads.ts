// Large-scale dispersion of one link's channel, as 3GPP TR 38.901 defines it for its fast-fading model:
// - RMS delay spread: the power-weighted standard deviation of the path delays (TR 38.901 Table 7.5-6 lgDS;
//   ITU-R P.1407-8 section 2.2.3),
//       DS = sqrt( sum P_n tau_n^2 / sum P_n - (sum P_n tau_n / sum P_n)^2 );
// - angular spread (TR 38.901 Annex A.1, eq. A-1), the circular standard deviation of the power-weighted
//   angles,
//       AS = sqrt( -2 ln | sum P_n exp(j phi_n) / sum P_n | ),
//   which is the same whichever side of +-180 deg the angles fall on, equals the RMS of the deviations from
//   the mean direction for small spreads (two equal paths 20 deg apart: 10.03 deg), and grows without bound as
//   the power spreads around the whole circle (uniform over 360 deg: infinite).
// Used for the gNB side of a link: azimuth spread of departure/arrival at the site (ASD in TR 38.901's
// downlink naming) and zenith spread (ZSD), and by the validation report against TR 38.901 Table 7.5-6.

/** RMS delay spread (units of `delay`) of components with linear powers `power`; 0 for one component, NaN without power. */
export function rmsDelaySpread(power: ArrayLike<number>, delay: ArrayLike<number>, n = power.length): number {
  let p = 0, m1 = 0;
  for (let i = 0; i < n; i++) {
    p += power[i];
    m1 += power[i] * delay[i];
  }
  if (!(p > 0)) return NaN;
  const mean = m1 / p;
  // Second moment about the mean (not E[t^2] - E[t]^2, which cancels catastrophically for delays of ~1 us
  // and spreads of ~1 ns).
  let m2 = 0;
  for (let i = 0; i < n; i++) m2 += power[i] * (delay[i] - mean) ** 2;
  return Math.sqrt(m2 / p);
}

/** TR 38.901 Annex A.1 angular spread (degrees) of components at angles `angleDeg` with linear powers `power`. */
export function angularSpreadDeg(power: ArrayLike<number>, angleDeg: ArrayLike<number>, n = power.length): number {
  let p = 0, re = 0, im = 0;
  const rad = Math.PI / 180;
  for (let i = 0; i < n; i++) {
    p += power[i];
    re += power[i] * Math.cos(angleDeg[i] * rad);
    im += power[i] * Math.sin(angleDeg[i] * rad);
  }
  if (!(p > 0)) return NaN;
  const r = Math.min(1, Math.hypot(re, im) / p);
  if (r < 1e-12) return Infinity; // no mean direction (rounding leaves ~1e-16 of a resultant that cancels)
  return Math.sqrt(Math.max(0, -2 * Math.log(r))) / rad;
}
