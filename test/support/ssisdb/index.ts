export { createSsisdbEmulation, type SsisdbEmulation, type SsisdbOptions } from './ssisdb-emulation';
export type { SsisdbScenario } from './catalog-procedures';
export { EmulatedCatalog } from './catalog-state';
export type { EmulatedFolder, EmulatedProject, EmulatedParameter, EmulatedEnvironment, EmulatedVariable, EmulatedReference, EmulatedOperation, EmulatedMessage, StoredValue } from './catalog-state';
export { CATALOG_SIGNATURES } from './procedure-signatures';
export { SsisdbError } from './ssisdb-errors';
