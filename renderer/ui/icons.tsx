/**
 * A handful of line icons drawn for this app (20×20 grid, stroked with currentColor so every theme,
 * including forced colors, paints them). Decorative by default: the control around them carries the label.
 */
import type { ReactNode } from 'react';

export type IconName =
  | 'check'
  | 'check-circle'
  | 'warning'
  | 'error'
  | 'info'
  | 'close'
  | 'chevron-down'
  | 'chevron-right'
  | 'arrow-right'
  | 'arrow-left'
  | 'copy'
  | 'search'
  | 'eye'
  | 'eye-off'
  | 'folder'
  | 'file-zip'
  | 'play'
  | 'stop'
  | 'refresh'
  | 'download'
  | 'upload'
  | 'shield'
  | 'shield-check'
  | 'shield-error'
  | 'lock'
  | 'clock'
  | 'circle'
  | 'skip'
  | 'settings'
  | 'database'
  | 'document'
  | 'trash'
  | 'logo';

const paths: Record<IconName, ReactNode> = {
  check: <path d="M4 10.5l4 4 8-9" />,
  'check-circle': (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M6.5 10.2l2.4 2.4 4.6-5" />
    </>
  ),
  warning: (
    <>
      <path d="M10 2.8l7.6 13.4H2.4z" />
      <path d="M10 8v3.6M10 13.6v.4" />
    </>
  ),
  error: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M7.3 7.3l5.4 5.4M12.7 7.3l-5.4 5.4" />
    </>
  ),
  info: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M10 9v5M10 6.2v.4" />
    </>
  ),
  close: <path d="M5 5l10 10M15 5L5 15" />,
  'chevron-down': <path d="M5 7.5l5 5 5-5" />,
  'chevron-right': <path d="M7.5 5l5 5-5 5" />,
  'arrow-right': <path d="M3.5 10h13M11.5 5l5 5-5 5" />,
  'arrow-left': <path d="M16.5 10h-13M8.5 5l-5 5 5 5" />,
  copy: (
    <>
      <rect x="6.5" y="6.5" width="9" height="10" rx="1.5" />
      <path d="M4 13.5V4.8C4 4.1 4.6 3.5 5.3 3.5H12" />
    </>
  ),
  search: (
    <>
      <circle cx="8.5" cy="8.5" r="5" />
      <path d="M12.2 12.2l4.3 4.3" />
    </>
  ),
  eye: (
    <>
      <path d="M2 10s3-5.5 8-5.5S18 10 18 10s-3 5.5-8 5.5S2 10 2 10z" />
      <circle cx="10" cy="10" r="2.5" />
    </>
  ),
  'eye-off': (
    <>
      <path d="M4.6 6.4C2.9 7.9 2 10 2 10s3 5.5 8 5.5c1.4 0 2.6-.4 3.7-1M8 4.8c.6-.2 1.3-.3 2-.3 5 0 8 5.5 8 5.5s-.7 1.3-2 2.7" />
      <path d="M3 3l14 14" />
    </>
  ),
  folder: <path d="M2.5 5.5c0-.6.4-1 1-1h4l1.5 1.8h7.5c.6 0 1 .4 1 1v8.2c0 .6-.4 1-1 1h-13c-.6 0-1-.4-1-1z" />,
  'file-zip': (
    <>
      <path d="M5 2.5h7l3.5 3.5v11.5H5z" />
      <path d="M12 2.5V6h3.5M9 4v1.5M10 6v1.5M9 8v1.5M10 10v1.5" />
    </>
  ),
  play: <path d="M6 4l10 6-10 6z" />,
  stop: <rect x="5" y="5" width="10" height="10" rx="1" />,
  refresh: (
    <>
      <path d="M16 10a6 6 0 1 1-1.8-4.3" />
      <path d="M16 3.5v3.2h-3.2" />
    </>
  ),
  download: <path d="M10 3v10M5.5 8.5L10 13l4.5-4.5M3.5 16.5h13" />,
  upload: <path d="M10 13V3M5.5 7.5L10 3l4.5 4.5M3.5 16.5h13" />,
  shield: <path d="M10 2.5l6 2.2v4.6c0 3.9-2.6 6.8-6 8.2-3.4-1.4-6-4.3-6-8.2V4.7z" />,
  'shield-check': (
    <>
      <path d="M10 2.5l6 2.2v4.6c0 3.9-2.6 6.8-6 8.2-3.4-1.4-6-4.3-6-8.2V4.7z" />
      <path d="M7.3 10l2 2 3.5-4" />
    </>
  ),
  'shield-error': (
    <>
      <path d="M10 2.5l6 2.2v4.6c0 3.9-2.6 6.8-6 8.2-3.4-1.4-6-4.3-6-8.2V4.7z" />
      <path d="M8 7.5l4 4M12 7.5l-4 4" />
    </>
  ),
  lock: (
    <>
      <rect x="4.5" y="8.5" width="11" height="8" rx="1.5" />
      <path d="M7 8.5V6.3a3 3 0 0 1 6 0v2.2" />
    </>
  ),
  clock: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M10 6v4.3l2.8 1.7" />
    </>
  ),
  circle: <circle cx="10" cy="10" r="7" />,
  skip: (
    <>
      <circle cx="10" cy="10" r="7.5" />
      <path d="M7 7l3.5 3L7 13M11.5 7l3.5 3-3.5 3" />
    </>
  ),
  settings: (
    <>
      <circle cx="10" cy="10" r="2.6" />
      <path d="M10 2.5v2.2M10 15.3v2.2M2.5 10h2.2M15.3 10h2.2M4.7 4.7l1.6 1.6M13.7 13.7l1.6 1.6M4.7 15.3l1.6-1.6M13.7 6.3l1.6-1.6" />
    </>
  ),
  database: (
    <>
      <ellipse cx="10" cy="5" rx="6" ry="2.5" />
      <path d="M4 5v10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5V5M4 10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5" />
    </>
  ),
  document: (
    <>
      <path d="M5 2.5h7l3.5 3.5v11.5H5z" />
      <path d="M12 2.5V6h3.5M7.5 10h5M7.5 13h5" />
    </>
  ),
  trash: <path d="M3.5 5.5h13M8 5.5V3.5h4v2M5 5.5l.8 11h8.4l.8-11M8.5 8.5v5M11.5 8.5v5" />,
  logo: (
    <>
      <path d="M10 2.5c3 3.6 5 6.4 5 9a5 5 0 0 1-10 0c0-2.6 2-5.4 5-9z" />
      <path d="M7.5 12.5l1.8 1.8 3.2-3.6" />
    </>
  ),
};

/**
 * Every icon once, as <symbol>s in a hidden sprite rendered at the app root; each Icon is then just an
 * <svg><use/></svg>, which keeps screens with hundreds of badges (Variables) cheap to create.
 */
export function IconSprite() {
  return (
    <svg aria-hidden="true" focusable="false" style={{ position: 'absolute', width: 0, height: 0, overflow: 'hidden' }}>
      {(Object.keys(paths) as IconName[]).map((name) => (
        <symbol key={name} id={`icon-${name}`} viewBox="0 0 20 20">
          {paths[name]}
        </symbol>
      ))}
    </svg>
  );
}

/** An icon from the sprite; pass `label` only when the icon alone carries meaning. */
export function Icon({ name, label, className }: { name: IconName; label?: string; className?: string }) {
  return (
    <svg
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden={label ? undefined : true}
      role={label ? 'img' : undefined}
      aria-label={label}
      focusable="false"
    >
      <use href={`#icon-${name}`} />
    </svg>
  );
}
