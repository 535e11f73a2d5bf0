import { useEffect, useId, useRef, type ReactNode } from 'react';
import { IconButton } from './button';
import { focusableIn, trapTab } from './focusable';

export interface DialogProps {
  open: boolean;
  title: ReactNode;
  /** Called for Esc, the close button and (unless `modalType` is 'alert') a backdrop click. */
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
  wide?: boolean;
  /** 'alert' dialogs demand a choice: no backdrop dismiss, announced as alertdialog. */
  modalType?: 'modal' | 'alert';
  /** When false, Esc and the close button do nothing (e.g. while a request is in flight). */
  dismissible?: boolean;
}

/**
 * A modal dialog on the native <dialog> element (top layer, inert background) with an explicit Tab trap,
 * Esc to close, initial focus on [data-autofocus] or the first control, and focus returned to the opener.
 */
export function Dialog({ open, title, onClose, children, actions, wide, modalType = 'modal', dismissible = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const dismissibleRef = useRef(dismissible);
  dismissibleRef.current = dismissible;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const target = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(dialog).find((el) => !el.classList.contains('dialog__close')) ?? dialog;
    target.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      trapTab(dialog, event);
    };
    const onCancel = (event: Event) => {
      // Esc: keep React in charge of open/closed state instead of letting the element close itself.
      event.preventDefault();
      if (dismissibleRef.current) onCloseRef.current();
    };
    dialog.addEventListener('keydown', onKeyDown);
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('keydown', onKeyDown);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={['dialog', wide && 'dialog--wide'].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      role={modalType === 'alert' ? 'alertdialog' : undefined}
      aria-modal="true"
      onMouseDown={(event) => {
        if (modalType !== 'alert' && dismissible && event.target === ref.current) onClose();
      }}
    >
      <div className="dialog__surface">
        <div className="dialog__header">
          <h2 id={titleId}>{title}</h2>
          {dismissible && <IconButton icon="close" label="Close" className="dialog__close" onClick={onClose} />}
        </div>
        <div className="dialog__body">{children}</div>
        {actions && <div className="dialog__footer">{actions}</div>}
      </div>
    </dialog>
  );
}
