/**
 * The parts of an Octopus version ("1.2.3.4-beta.7+build.42"), for the VersionMajor … VersionMetadata
 * filters (`#{Octopus.Release.Number | VersionMajor}`). Octopus versions are looser than SemVer: a
 * leading "v", missing minor/patch, a fourth revision number; missing numbers read as 0.
 */
export interface OctopusVersion {
  major: string;
  minor: string;
  patch: string;
  revision: string;
  release: string;
  releasePrefix: string;
  releaseCounter: string;
  metadata: string;
}

const VERSION = /^[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:[-.](?<release>[0-9A-Za-z][0-9A-Za-z.\-_]*))?(?:\+(?<metadata>[0-9A-Za-z.\-_]+))?$/;

/** Null when the text is not a version at all. */
export function parseOctopusVersion(text: string): OctopusVersion | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  const release = m.groups?.release ?? '';
  // "beta.7" → prefix "beta", counter "7"; "rc1" has no counter.
  const split = /^(.*?)[.\-_](\d+)$/.exec(release);
  return {
    major: String(Number(m[1])),
    minor: String(Number(m[2] ?? 0)),
    patch: String(Number(m[3] ?? 0)),
    revision: String(Number(m[4] ?? 0)),
    release,
    releasePrefix: split ? split[1]! : release,
    releaseCounter: split ? split[2]! : '',
    metadata: m.groups?.metadata ?? '',
  };
}
