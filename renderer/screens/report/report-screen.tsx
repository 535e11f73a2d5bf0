import { useEffect, useState } from 'react';
import type { ErrorShape } from '../../../common/errors';
import type { EventPayload, ExportedFile } from '../../../common/contract';
import { downloadOffered, getApi } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Checkbox } from '../../ui/checkbox';
import { DocumentFrame } from '../../ui/document-frame';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { TextInput } from '../../ui/text-input';
import { normalizePathInput } from '../../format/path-input';
import { RollbackDialog } from './rollback-dialog';

type Format = ExportedFile['format'];
const FORMATS: Array<{ id: Format; label: string; hint: string }> = [
  { id: 'html', label: 'HTML', hint: 'one self-contained file, prints well' },
  { id: 'json', label: 'JSON', hint: 'for IT tooling (schema in docs/report.schema.json)' },
  { id: 'pdf', label: 'PDF', hint: 'needs Chromium on this machine in the browser host' },
];

/** The deployment report for hospital IT: preview (sandboxed) and export to HTML, JSON and PDF. */
export function ReportScreen({ deploymentId }: { deploymentId: string }) {
  const preview = useRequest('report.preview', { deploymentId });
  const exportAction = useAction('report.export');
  const [formats, setFormats] = useState<ReadonlySet<Format>>(() => new Set<Format>(['html', 'json', 'pdf']));
  const [outDir, setOutDir] = useState('');
  const [result, setResult] = useState<{ files: ExportedFile[]; warnings: string[] } | null>(null);
  // Which format the engine is writing now (the PDF takes seconds), from the report-progress events.
  const [progress, setProgress] = useState<EventPayload<'report-progress'> | null>(null);
  const [downloadError, setDownloadError] = useState<ErrorShape | null>(null);
  useEffect(() => getApi().on('report-progress', (p) => (p.deploymentId === deploymentId ? setProgress(p) : undefined)), [deploymentId]);
  const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;
  const [rollingBack, setRollingBack] = useState(false);

  const run = async (only?: Format) => {
    const chosen = only ? [only] : [...formats];
    if (chosen.length === 0) return;
    const dir = normalizePathInput(outDir);
    setProgress(null);
    setDownloadError(null);
    const r = await exportAction.run({ deploymentId, formats: chosen, ...(dir ? { outDir: dir } : {}) });
    setProgress(null);
    if (r) setResult(r);
  };

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Deployment report</h1>
          <p className="screen__subtitle">Made from the deployment journal alone; secrets appear as ********.</p>
        </div>
        <div className="screen__actions">
          <Button icon="arrow-left" onClick={() => navigate({ name: 'run', deploymentId })}>
            Progress
          </Button>
          <Button onClick={() => navigate({ name: 'home' })}>Home</Button>
          <Button onClick={() => setRollingBack(true)}>Roll back…</Button>
        </div>
      </div>
      {rollingBack && (
        <RollbackDialog
          deploymentId={deploymentId}
          onClose={() => setRollingBack(false)}
          onDone={(rollbackId) => {
            setRollingBack(false);
            navigate({ name: 'report', deploymentId: rollbackId });
          }}
        />
      )}

      <Card title="Export" icon="download" labelledBy="report-export">
        <div className="report-export">
          <fieldset className="radio-group">
            <legend className="field__label">Formats</legend>
            {FORMATS.map((f) => (
              <Checkbox
                key={f.id}
                label={
                  <>
                    {f.label} <span className="muted small">— {f.hint}</span>
                  </>
                }
                checked={formats.has(f.id)}
                onChange={(e) =>
                  setFormats((prev) => {
                    const next = new Set(prev);
                    if (e.target.checked) next.add(f.id);
                    else next.delete(f.id);
                    return next;
                  })
                }
              />
            ))}
          </fieldset>
          <div className="stack">
            <Field label="Folder (optional)" hint="Leave empty to write next to the deployment's journal in the Drop Runner data folder.">
              {(p) => <TextInput {...p} mono value={outDir} onChange={(e) => setOutDir(e.target.value)} placeholder="C:\Users\you\Documents\Reports" />}
            </Field>
            <div className="row">
              <Button appearance="primary" icon="download" disabled={exportAction.busy || formats.size === 0} onClick={() => void run()}>
                {exportAction.busy ? 'Exporting…' : `Export ${[...formats].map((f) => f.toUpperCase()).join(' + ') || '…'}`}
              </Button>
              {FORMATS.map((f) => (
                <Button key={f.id} size="small" disabled={exportAction.busy} onClick={() => void run(f.id)}>
                  {f.label} only
                </Button>
              ))}
            </div>
          </div>
        </div>
        {exportAction.busy && progress?.state === 'writing' && (
          <p className="muted" role="status" aria-live="polite">
            {progress.format === 'pdf' ? 'Rendering the PDF (a browser lays out every page; this can take a few seconds)…' : `Writing ${progress.format.toUpperCase()}…`}
          </p>
        )}
        {exportAction.error && <ErrorBar title="Export failed" error={exportAction.error} />}
        {downloadError && <ErrorBar title="Download failed" error={downloadError} />}
        {result && (
          <MessageBar intent={result.warnings.length > 0 ? 'warning' : 'success'} title={`Wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'}`}>
            <ul className="export-list">
              {result.files.map((f) => (
                <li key={f.path}>
                  <strong>{f.format.toUpperCase()}</strong> <code className="wrap-anywhere">{f.path}</code>
                  {f.download && (
                    <>
                      {' '}
                      <Button
                        size="small"
                        icon="download"
                        onClick={() => {
                          const url = f.download!;
                          void downloadOffered(url, fileName(f.path)).then((r) => setDownloadError(r.ok ? null : r.error));
                        }}
                      >
                        Download {f.format.toUpperCase()}
                      </Button>
                    </>
                  )}
                </li>
              ))}
            </ul>
            {result.warnings.map((w) => (
              <span key={w}>{w}</span>
            ))}
          </MessageBar>
        )}
      </Card>

      <Card title="Preview" icon="document" labelledBy="report-preview">
        {preview.state.status === 'loading' && <LoadingBlock label="Building the report…" />}
        {preview.state.status === 'error' && <ErrorBar title="Could not build the report" error={preview.state.error} onRetry={preview.reload} />}
        {preview.state.status === 'ok' && <DocumentFrame html={preview.state.data.html} title="Deployment report preview" height={720} />}
      </Card>
    </div>
  );
}
