import { useState, type DragEvent } from 'react';
import { Icon } from '../../ui/icons';
import { pathFromDropData } from './drop-path';

/**
 * A drag-and-drop target. Browsers expose a dropped file's bytes but not its path, so this reads a path
 * from file:// URIs or text when the source offers them and otherwise asks for the path (onUnresolved).
 */
export function DropZone({ onPath, onUnresolved, disabled }: { onPath: (path: string) => void; onUnresolved: (fileName: string | null) => void; disabled?: boolean }) {
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const data = event.dataTransfer;
    const file = data.files[0];
    // ELECTRON FILE PATH: the preload will resolve `file` to its path (webUtils.getPathForFile) once the
    // contract carries it; until then the URI list / text path is all a renderer can see.
    const path = pathFromDropData({ uriList: data.getData('text/uri-list'), text: data.getData('text/plain'), filePath: null });
    if (path) onPath(path);
    else onUnresolved(file ? file.name : null);
  };

  return (
    <div
      className={['drop-zone', over && 'drop-zone--over', disabled && 'drop-zone--disabled'].filter(Boolean).join(' ')}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
        if (!over) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
    >
      <Icon name="file-zip" className="drop-zone__icon" />
      <div className="drop-zone__title">Drag the drop zip here</div>
      <div className="muted">or enter its path below</div>
    </div>
  );
}
