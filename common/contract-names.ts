/**
 * The names of every request and event of the contract, without their schemas. The sandboxed preload
 * imports only this file, so it stays small; contract.ts proves at compile time that the lists match.
 */
export const REQUEST_NAMES = [
  'app.info', 'diagnostics.get', 'drop.open', 'dialog.openDrop', 'drop.get', 'drop.recent',
  'storage.drops', 'storage.removeDrop',
  'tenant.list', 'tenant.export', 'tenant.importPreview', 'tenant.importApply',
  'variables.forDrop', 'variables.save', 'variables.reveal', 'variables.forget', 'variables.decide',
  'operator.get', 'operator.set', 'plan.get', 'plan.changeRequest', 'preflight.run',
  'deploy.start', 'deploy.decide', 'deploy.cancel', 'deploy.resume', 'deploy.journal', 'deploy.history', 'deploy.interrupted',
  'deploy.interruptedScript', 'deploy.lockStatus', 'deploy.unlock',
  'report.preview', 'report.export',
  'connection.test', 'connection.resolve', 'trust.list', 'trust.add', 'trust.remove',
  'rollback.targets', 'rollback.run',
] as const;

export const EVENT_NAMES = ['journal', 'deployment-state', 'menu-command', 'report-progress'] as const;
