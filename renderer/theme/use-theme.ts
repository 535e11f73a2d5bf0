import { useCallback, useEffect, useState } from 'react';
import { parseThemePreference, resolveTheme, type ResolvedTheme, type ThemePreference } from './theme';

const STORAGE_KEY = 'drop-runner-theme';

function readOs() {
  return {
    prefersDark: window.matchMedia('(prefers-color-scheme: dark)').matches,
    prefersMoreContrast: window.matchMedia('(prefers-contrast: more)').matches,
  };
}

function readStored(): ThemePreference {
  try {
    return parseThemePreference(localStorage.getItem(STORAGE_KEY));
  } catch {
    return 'system';
  }
}

/** Applies the theme to <html data-theme> and follows OS changes while the preference is 'system'. */
export function useTheme(): { preference: ThemePreference; resolved: ResolvedTheme; setPreference: (p: ThemePreference) => void } {
  const [preference, setPreferenceState] = useState<ThemePreference>(readStored);
  const [os, setOs] = useState(readOs);

  useEffect(() => {
    const queries = [window.matchMedia('(prefers-color-scheme: dark)'), window.matchMedia('(prefers-contrast: more)')];
    const update = () => setOs(readOs());
    queries.forEach((q) => q.addEventListener('change', update));
    return () => queries.forEach((q) => q.removeEventListener('change', update));
  }, []);

  const resolved = resolveTheme(preference, os);
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);

  const setPreference = useCallback((p: ThemePreference) => {
    setPreferenceState(p);
    try {
      localStorage.setItem(STORAGE_KEY, p);
    } catch {
      // Storage can be disabled by policy; the choice then lasts for this session only.
    }
  }, []);

  return { preference, resolved, setPreference };
}
