import { useState, type DragEvent } from 'react';
import { Icon } from '../../ui/icons';
import { pathFromDropData } from '../../format/path-input';

/**
 * A drag-and-drop target. A dropped file goes to `onFile` (the host turns it into a path: Electron asks the
 * OS, the browser host uploads it); a dragged path or file:// URI without a file goes to `onPath`.
 */
export function DropZone({ onPath, onFile, onUnresolved, disabled }: { onPath: (path: string) => void; onFile: (file: File) => void; onUnresolved: () => void; disabled?: boolean }) {
  const [over, setOver] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const data = event.dataTransfer;
    const file = data.files[0];
    if (file) return onFile(file);
    const path = pathFromDropData({ uriList: data.getData('text/uri-list'), text: data.getData('text/plain') });
    if (path) onPath(path);
    else onUnresolved();
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
      <div className="muted">or choose it, or enter its path below</div>
    </div>
  );
}
