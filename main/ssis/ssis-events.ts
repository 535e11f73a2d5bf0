/**
 * The SSIS step's voice: log lines, progress and artifacts as journal events. Every text passes the
 * deployment's redact function on its way out, so a secret that slipped into a server message (a
 * connection string echoed by a package, say) is masked before anyone sees it.
 */
import type { JournalEventInput, StepArtifact } from '../../common/journal-events';

/** Emits the step's events, redacted. */
export interface SsisEventSink {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  warning(message: string): void;
  progress(percent: number, item?: string): void;
  artifact(artifact: StepArtifact): void;
  /** Artifacts emitted so far, for the step result. */
  readonly artifacts: StepArtifact[];
}

/** Builds the sink for one step; without onEvent the events are only collected. */
export function createSsisEventSink(stepId: string, onEvent: ((event: JournalEventInput) => void) | undefined, redact: (text: string) => string): SsisEventSink {
  const artifacts: StepArtifact[] = [];
  const emit = (event: JournalEventInput) => onEvent?.(event);
  return {
    artifacts,
    log: (level, message) => emit({ type: 'log', stepId, level, message: redact(message), source: 'ssis' }),
    warning: (message) => emit({ type: 'warning', stepId, message: redact(message) }),
    progress: (percent, item) => emit({ type: 'progress', stepId, percent: Math.max(0, Math.min(100, Math.round(percent))), ...(item !== undefined ? { item: redact(item) } : {}) }),
    artifact: (artifact) => {
      const safe: StepArtifact = { ...artifact, name: redact(artifact.name), ...(artifact.detail !== undefined ? { detail: redact(artifact.detail) } : {}) };
      artifacts.push(safe);
      emit({ type: 'artifact', stepId, artifact: safe });
    },
  };
}
