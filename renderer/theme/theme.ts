/** Theme preference and resolution; pure so the rules are unit-tested without a DOM. */

export const THEME_PREFERENCES = ['system', 'light', 'dark', 'high-contrast'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];
export type ResolvedTheme = 'light' | 'dark' | 'high-contrast';

export const THEME_LABELS: Record<ThemePreference, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
  'high-contrast': 'High contrast',
};

/** Turns the stored preference plus the OS signals into the theme to apply. */
export function resolveTheme(preference: ThemePreference, os: { prefersDark: boolean; prefersMoreContrast: boolean }): ResolvedTheme {
  if (preference !== 'system') return preference;
  if (os.prefersMoreContrast) return 'high-contrast';
  return os.prefersDark ? 'dark' : 'light';
}

/** Reads a stored preference, falling back to 'system' for anything unknown (old or tampered values). */
export function parseThemePreference(value: string | null | undefined): ThemePreference {
  return (THEME_PREFERENCES as readonly string[]).includes(value ?? '') ? (value as ThemePreference) : 'system';
}
