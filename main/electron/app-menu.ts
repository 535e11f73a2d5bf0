import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Service } from '../service';

/** The application menu: the few commands an engineer reaches for, with the usual Windows accelerators. */
export function installMenu(service: Service, window: BrowserWindow): void {
  const send = (command: 'open-drop' | 'go-home' | 'show-diagnostics') => service.events.emit('menu-command', { command });
  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        { label: '&Open drop…', accelerator: 'CmdOrCtrl+O', click: () => send('open-drop') },
        { label: '&Home', accelerator: 'CmdOrCtrl+H', click: () => send('go-home') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: '&Edit', submenu: [{ role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: '&View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { label: '&Help', submenu: [{ label: '&Diagnostics', click: () => send('show-diagnostics') }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  window.setMenuBarVisibility(true);
}
