import type { ErrorShape } from '../../common/errors';
import type { DropRunnerApi, EventName, EventPayload, Reply, RequestName, RequestParams } from '../../common/contract';
import { setHostStatus } from './host-status';

declare global {
  interface Window {
    /** Present only inside the Electron shell (exposed by the preload). */
    dropRunner?: DropRunnerApi;
  }
}

const TOKEN_KEY = 'drop-runner-token';

/** Reads the browser host's per-launch token from the URL once, then hides it from the address bar. */
function browserToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The browser host transport: POST /api/<name> for requests, one SSE stream for events. */
function createHttpApi(): DropRunnerApi {
  const token = browserToken();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureStream = () => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onopen = () => setHostStatus('alive');
    // The stream dropped. EventSource retries on its own, so ask the host directly at once: a refused
    // request means nobody is there any more, and the page says so now rather than after the retries.
    source.onerror = () => {
      void probeHost(token).then((alive) => {
        if (!alive) setHostStatus('down');
      });
    };
    source.onmessage = (message) => {
      try {
        const { name, payload } = JSON.parse(message.data) as { name: string; payload: unknown };
        listeners.get(name)?.forEach((listener) => listener(payload));
      } catch {
        // A malformed frame is dropped; the next journal poll repairs any gap.
      }
    };
  };
  return {
    async invoke<K extends RequestName>(name: K, params: RequestParams<K>): Promise<Reply<K>> {
      try {
        const response = await fetch(`/api/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Drop-Runner-Token': token },
          body: JSON.stringify(params ?? {}),
        });
        if (response.status === 403) {
          return { ok: false, error: { code: 'HOST_FORBIDDEN', message: 'The Drop Runner host refused this page (missing or wrong token).', hint: 'Open the exact URL that `npm start` printed, including ?token=…' } };
        }
        return (await response.json()) as Reply<K>;
      } catch (error) {
        return { ok: false, error: { code: 'HOST_UNREACHABLE', message: `Cannot reach the Drop Runner host: ${(error as Error).message}`, hint: 'Check that the terminal running `npm start` is still open, then reload.' } };
      }
    },
    async fileToPath(file: File) {
      try {
        const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream', 'X-Drop-Runner-Token': token },
          body: file,
        });
        return (await response.json()) as { ok: true; path: string } | { ok: false; error: ErrorShape };
      } catch (error) {
        return { ok: false as const, error: { code: 'UPLOAD_FAILED', message: `Could not hand the file to Drop Runner: ${(error as Error).message}`, hint: 'Type the path of the drop into the path field instead.' } };
      }
    },
    on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void) {
      ensureStream();
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

/**
 * Browser host only: fetches a report file the host offered (`ExportedFile.download`) with the token
 * header and hands it to the browser as a download, so the token never appears in a URL or history.
 */
export async function downloadOffered(url: string, fileName: string): Promise<{ ok: true } | { ok: false; error: ErrorShape }> {
  try {
    const response = await fetch(url, { headers: { 'X-Drop-Runner-Token': browserToken() } });
    if (!response.ok) {
      return { ok: false, error: { code: 'DOWNLOAD_FAILED', message: `The Drop Runner host answered HTTP ${response.status} for ${fileName}.`, hint: 'Export the report again, then download it.' } };
    }
    const blob = await response.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has taken the bytes once the click is handled; the object URL is then only memory.
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: { code: 'DOWNLOAD_FAILED', message: `Could not download ${fileName}: ${(error as Error).message}`, hint: 'Check that the terminal running `npm start` is still open, then retry.' } };
  }
}

/** True when the host answers a request at all (any HTTP status) within a few seconds. */
async function probeHost(token: string): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3000);
  try {
    await fetch('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Drop-Runner-Token': token }, body: '{}', signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

let api: DropRunnerApi | null = null;

/** The one API object the UI uses; it does not know whether Electron IPC or HTTP carries it. */
export function getApi(): DropRunnerApi {
  api ??= window.dropRunner ?? createHttpApi();
  return api;
}
