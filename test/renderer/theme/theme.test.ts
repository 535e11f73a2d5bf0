import { describe, expect, it } from 'vitest';
import { parseThemePreference, resolveTheme } from '../../../renderer/theme/theme';

describe('theme', () => {
  it('follows the OS when the preference is system', () => {
    expect(resolveTheme('system', { prefersDark: true, prefersMoreContrast: false })).toBe('dark');
    expect(resolveTheme('system', { prefersDark: false, prefersMoreContrast: false })).toBe('light');
    expect(resolveTheme('system', { prefersDark: false, prefersMoreContrast: true })).toBe('high-contrast');
  });
  it('keeps an explicit choice whatever the OS says', () => {
    expect(resolveTheme('light', { prefersDark: true, prefersMoreContrast: true })).toBe('light');
    expect(resolveTheme('high-contrast', { prefersDark: false, prefersMoreContrast: false })).toBe('high-contrast');
  });
  it('falls back to system for unknown stored values', () => {
    expect(parseThemePreference('dark')).toBe('dark');
    expect(parseThemePreference('neon')).toBe('system');
    expect(parseThemePreference(null)).toBe('system');
  });
});
