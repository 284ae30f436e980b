/**
 * Colour-vision deficiency, simulated: the matrices of Machado, Oliveira and
 * Fernandes (2009) at full severity, applied in linear RGB, and the
 * difference of two colours as CIELAB ΔE (1976). Used by the palette's test
 * to check that the colours figures tell apart stay apart for the common
 * deficiencies.
 */
export type Deficiency = 'normal' | 'protanopia' | 'deuteranopia' | 'tritanopia';

const MATRICES: Record<Exclude<Deficiency, 'normal'>, number[]> = {
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  tritanopia: [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
};

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** "#1b1f24" as linear RGB, 0–1. */
export function linearRgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => toLinear(parseInt(full.slice(i, i + 2), 16) / 255)) as [number, number, number];
}

/** The colour as a person with the deficiency sees it, in linear RGB. */
export function simulate(rgb: [number, number, number], deficiency: Deficiency): [number, number, number] {
  if (deficiency === 'normal') return rgb;
  const m = MATRICES[deficiency];
  return [0, 1, 2].map((r) => Math.min(1, Math.max(0, m[r * 3]! * rgb[0] + m[r * 3 + 1]! * rgb[1] + m[r * 3 + 2]! * rgb[2]))) as [
    number,
    number,
    number,
  ];
}

/** CIELAB (D65) of a linear RGB colour. */
export function lab([r, g, b]: [number, number, number]): [number, number, number] {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** ΔE (CIE 1976) between two colours, as seen with the deficiency. */
export function difference(a: string, b: string, deficiency: Deficiency): number {
  const [l1, a1, b1] = lab(simulate(linearRgb(a), deficiency));
  const [l2, a2, b2] = lab(simulate(linearRgb(b), deficiency));
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

/** WCAG's relative luminance of a colour, for contrast ratios. */
export function luminance(hex: string): number {
  const [r, g, b] = linearRgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
