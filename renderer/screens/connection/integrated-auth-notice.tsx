import { useRequest } from '../../api/use-request';
import { Button } from '../../ui/button';
import { MessageBar } from '../../ui/message-bar';

/**
 * What "Windows integrated (the signed-in user)" means on this machine, as the engine sees it
 * (app.info): on Windows with the msnodesqlv8 driver it logs in as the signed-in user; anywhere else
 * it cannot, and the notice says why and offers the Windows-account method instead.
 */
export function IntegratedAuthNotice({ onUseWindowsAccount }: { onUseWindowsAccount: (timeStamp: number) => void }) {
  const { state } = useRequest('app.info', {});
  if (state.status === 'loading') return <p className="small muted">Checking whether this machine can log in as the signed-in Windows user…</p>;
  const info = state.status === 'ok' ? state.data.integratedAuth : undefined;
  if (info?.available) {
    return (
      <MessageBar intent="info" title="Logs in as the Windows user signed in to this machine">
        {info.text} No password is stored. Test connection shows the login the server sees.
      </MessageBar>
    );
  }
  return (
    <MessageBar
      intent="warning"
      title="Windows integrated authentication is not available here"
      actions={
        <Button size="small" onClick={(e) => onUseWindowsAccount(e.timeStamp)}>
          Use a Windows account instead
        </Button>
      }
    >
      {info ? info.text : `The engine could not say whether it is available (${state.status === 'error' ? state.error.message : 'no answer'}).`} Give the account as DOMAIN\user with its password
      (NTLM): SSISDB accepts it like the signed-in user.
    </MessageBar>
  );
}
