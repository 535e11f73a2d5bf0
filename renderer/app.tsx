import { useEffect, useState } from 'react';
import type { Diagnostics } from '../common/contract';
import { getApi } from './api/client';

/** Placeholder shell until the screens land: shows the diagnostics so the host wiring can be proven. */
export function App() {
  const [diagnostics, setDiagnostics] = useState<Diagnostics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void getApi()
      .invoke('diagnostics.get', {})
      .then((reply) => (reply.ok ? setDiagnostics(reply.result) : setError(`${reply.error.code}: ${reply.error.message}`)));
  }, []);
  if (error) return <p role="alert">{error}</p>;
  if (!diagnostics) return <p>Checking this machine…</p>;
  return (
    <main>
      <h1>Drop Runner</h1>
      <ul>
        {diagnostics.items.map((item) => (
          <li key={item.id}>
            {item.label}: {item.status} — {item.value}
          </li>
        ))}
      </ul>
    </main>
  );
}
