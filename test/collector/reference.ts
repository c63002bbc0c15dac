/**
 * An independent reference for the collector's statistics: the piecewise-linear curve through
 * the real samples (held flat before the first one and, without a gap, after the last one),
 * integrated segment by segment. Written from nvitop's documented semantics, not from src/.
 */
export type Point = readonly [time: number, value: number | null];

export interface ReferenceStats {
  mean: number | null;
  min: number | null;
  max: number | null;
  last: number | null;
}

export function reference(start: number, points: readonly Point[], now: number): ReferenceStats {
  const real = points.filter((p): p is readonly [number, number] => p[1] !== null);
  const gap = points.some((p) => p[1] === null);
  if (real.length === 0) return { mean: null, min: null, max: null, last: null };
  const values = real.map((p) => p[1]);
  // Vertices of the curve: (start, v0), the samples, and (now, vN) when the value is held.
  const curve: Array<[number, number]> = [[start, real[0]![1]], ...real.map((p) => [p[0], p[1]] as [number, number])];
  if (!gap) curve.push([now, real[real.length - 1]![1]]);
  let area = 0;
  for (let i = 1; i < curve.length; i += 1) {
    const [t0, v0] = curve[i - 1]!;
    const [t1, v1] = curve[i]!;
    const width = t1 - t0;
    area += width * Math.min(v0, v1) + (width * Math.abs(v1 - v0)) / 2; // rectangle + triangle
  }
  const span = curve[curve.length - 1]![0] - start;
  return {
    mean: span > 0 ? area / span : values[values.length - 1]!,
    min: Math.min(...values),
    max: Math.max(...values),
    last: values[values.length - 1]!,
  };
}
