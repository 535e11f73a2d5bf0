/**
 * tedious hands an IP address to TLS as the SNI server name (for TDS 7.x encryption), and Node then
 * prints "DEP0123 Setting the TLS ServerName to an IP address is not permitted" on stderr. Hospital
 * servers are often reached by IP, and an engineer reading that line would think the connection is
 * wrong when it is not (the certificate is still checked against the IP). This drops exactly that one
 * warning and passes every other one through.
 */
let installed = false;

export function silenceIpServerNameWarning(): void {
  if (installed) return;
  installed = true;
  const original = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, typeOrOptions, code] = args;
    const warningCode = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
    if (warningCode === 'DEP0123') return;
    original(...args);
  }) as typeof process.emitWarning;
}
