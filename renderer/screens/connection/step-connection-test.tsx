import { useRoute } from '../../router/use-route';
import { TestConnection } from './test-connection';

/** Test connection for a step's `connection` setting on the Preflight screen (the engine resolves it with the tenant's values and keychain). */
export function StepConnectionTest({ stepId }: { stepId: string }) {
  const route = useRoute();
  const where = route.name === 'preflight' || route.name === 'variables' ? { dropId: route.dropId, tenantId: route.tenantId } : null;
  return <TestConnection label="Test connection" disabled={!where} params={() => (where ? { ...where, stepId } : null)} />;
}
