import { createContext, useContext } from 'react';
import type { ResolvedTheme, ThemePreference } from './theme';

export interface ThemeControl {
  preference: ThemePreference;
  resolved: ResolvedTheme;
  setPreference: (p: ThemePreference) => void;
}

/** The theme control, provided by the shell so Settings can switch it. */
export const ThemeContext = createContext<ThemeControl | null>(null);

/** Reads the theme control; throws outside the shell because that is a programming error. */
export function useThemeControl(): ThemeControl {
  const value = useContext(ThemeContext);
  if (!value) throw new Error('useThemeControl outside ThemeContext');
  return value;
}
