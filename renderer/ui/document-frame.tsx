/**
 * Shows an engine-made HTML document (report, change request) in a fully sandboxed iframe: no scripts,
 * no same-origin access, no navigation. srcdoc keeps it offline; the page CSP still applies inside.
 */
export function DocumentFrame({ html, title, height = 560 }: { html: string; title: string; height?: number }) {
  return <iframe className="doc-frame" title={title} sandbox="" srcDoc={html} style={{ height }} referrerPolicy="no-referrer" />;
}
