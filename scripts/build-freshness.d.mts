export function distIsStale(root?: string): boolean;
