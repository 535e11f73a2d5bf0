// Types for the plain-JS lint rule module (eslint.config.js loads it untranspiled), for the tests that import it.
export interface Layer {
  name: string;
  domains: string[];
}
export const LAYERS: Layer[];
export function domainOf(file: string, root: string): string | null;
export function layerViolation(from: string | null, to: string | null): string | null;
export const layersPlugin: { rules: Record<string, unknown> };
