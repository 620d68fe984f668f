import type { FindingKind } from '@argus/core';
import { expectNumbers, fmt, type Model } from '../model.js';
import { growF64 } from '../util/arrays.js';
import { type PointOut, pointOut } from '../util/score.js';

/** A member of the ensemble: a model and its name (used in the reason). */
export interface EnsembleMember {
  readonly name: string;
  readonly model: Model;
  /** `true` when the member's score is already a calibrated probability-like value (flatline/missing). */
  readonly direct?: boolean;
}

/** Options of {@link ensembleModel}. */
export interface EnsembleModelOptions {
  readonly members: readonly EnsembleMember[];
  /** Weight of each sample in a member's long-run surprise distribution (mean/variance of log(1+z)). */
  readonly calibrationAlpha: number;
  readonly warmupSamples: number;
  /** Decay per sample of the recent peak; a score below the decayed peak is damped (one alert per episode). */
  readonly peakDecay: number;
  /** Factor applied to scores that do not exceed the recent peak (0 silences repeats, 1 disables damping). */
  readonly repeatDamping: number;
}

const LOG_FLOOR = Math.log(1e-12);

/**
 * Combines member surprises into one calibrated score: each member's log-surprise is standardised against that
 * series' own long-run distribution (an "anomaly likelihood"), the largest wins, its Gaussian tail probability p
 * maps to `log(p)/log(1e-12)` in [0,1], and repeats within an episode are damped.
 * Cost: the members' cost + O(members); memory: 3 doubles per member + 2 per series, plus the members'.
 */
export function ensembleModel(o: EnsembleModelOptions): Model & { readonly lastMember: () => string } {
  const m = o.members.length;
  const F = 2 + 3 * m; // count, peak, then per member: mean, var, (reserved)
  let s = new Float64Array(0) as Float64Array;
  const memberOut = pointOut();
  let winner = '';
  let winnerKind: FindingKind = 'spike';
  let winnerZ = 0;
  const band = { expected: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  const ensure = (id: number): number => {
    s = growF64(s, (id + 1) * F);
    return id * F;
  };
  return {
    update(id: number, t: number, v: number, out: PointOut): number {
      out.score = 0;
      out.z = 0;
      const b = ensure(id);
      if (!Number.isFinite(v)) return 0;
      const n = (s[b] as number) + 1;
      s[b] = n;
      const a = Math.max(o.calibrationAlpha, 1 / n);
      let best = 0;
      let direct = 0;
      for (let k = 0; k < m; k++) {
        const member = o.members[k] as EnsembleMember;
        member.model.update(id, t, v, memberOut);
        if (member.direct) {
          if (memberOut.score > direct) direct = memberOut.score;
          if (memberOut.score > 0 && memberOut.score >= best) pick(member.name, memberOut, band);
          continue;
        }
        const u = Math.log1p(memberOut.z);
        const c = b + 2 + 3 * k;
        const mu = s[c] as number;
        const varr = s[c + 1] as number;
        const z = (u - mu) / (Math.sqrt(varr) + 1e-3);
        if (z > best) {
          best = z;
          pick(member.name, memberOut, band);
        }
        s[c] = mu + a * (u - mu);
        s[c + 1] = (1 - a) * (varr + a * (u - mu) ** 2);
      }
      if (n <= o.warmupSamples) return 0;
      const calibrated = Math.max(likelihoodScore(best), direct);
      const peak = s[b + 1] as number;
      out.score = calibrated > peak ? calibrated : calibrated * o.repeatDamping;
      s[b + 1] = Math.max(peak * o.peakDecay, calibrated);
      out.z = winnerZ;
      out.kind = winnerKind;
      out.expected = band.expected;
      out.lower = band.lower;
      out.upper = band.upper;
      return out.score;
    },
    explain(out: PointOut, v: number): string {
      const range = Number.isFinite(out.expected) ? `; expected ${fmt(out.lower)}..${fmt(out.upper)}` : '';
      return `${winner} fired (surprise ${fmt(out.z)} for its own history): value ${fmt(v)}${range}`;
    },
    save(id: number): unknown {
      if ((id + 1) * F > s.length || s[id * F] === 0) return undefined;
      return {
        own: Array.from(s.subarray(id * F, (id + 1) * F)),
        members: o.members.map((x) => x.model.save(id)),
      };
    },
    load(id: number, state: unknown): void {
      const st = state as { own?: unknown; members?: unknown };
      const own = expectNumbers('ensemble', 'own', st?.own, F);
      if (!Array.isArray(st.members) || st.members.length !== m)
        throw new TypeError('ensemble: snapshot members do not match');
      const b = ensure(id);
      for (let i = 0; i < F; i++) s[b + i] = own[i] ?? 0;
      o.members.forEach((x, k) => {
        if (st.members && (st.members as unknown[])[k] !== undefined)
          x.model.load(id, (st.members as unknown[])[k]);
      });
    },
    lastMember: () => winner,
  };

  function pick(name: string, mo: PointOut, into: typeof band): void {
    winner = name;
    winnerKind = mo.kind;
    winnerZ = mo.z;
    into.expected = mo.expected;
    into.lower = mo.lower;
    into.upper = mo.upper;
  }
}

/** Upper Gaussian tail of a standardised surprise, on a log scale: 0 at p = 1, 1 at p ≤ 1e-12. */
export function likelihoodScore(z: number): number {
  if (!(z > 0)) return 0;
  const p = 0.5 * erfc(z / Math.SQRT2);
  if (p <= 0) return 1;
  return Math.min(1, Math.log(p) / LOG_FLOOR);
}

/** Complementary error function (Numerical Recipes erfcc, |error| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
