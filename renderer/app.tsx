import { useEffect, useRef } from 'react';
import { getApi } from './api/client';
import { useRequest } from './api/use-request';
import { flowStepOf, FLOW_STEPS, type Route } from './router/routes';
import { navigate, useRoute } from './router/use-route';
import { HomeScreen } from './screens/home/home-screen';
import { NotFoundScreen } from './screens/home/not-found-screen';
import { OpenScreen } from './screens/open/open-screen';
import { OverviewScreen } from './screens/overview/overview-screen';
import { PerfScreen } from './screens/perf/perf-screen';
import { PreflightScreen } from './screens/preflight/preflight-screen';
import { ReportScreen } from './screens/report/report-screen';
import { RunScreen } from './screens/run/run-screen';
import { SettingsScreen } from './screens/settings/settings-screen';
import { VariablesScreen } from './screens/variables/variables-screen';
import { ThemeContext } from './theme/theme-context';
import { useTheme } from './theme/use-theme';
import { Badge } from './ui/badge';
import { Icon, IconSprite } from './ui/icons';
import { FlowSteps } from './ui/stepper';
import { HostDownBanner } from './ui/host-down-banner';

/** The application shell: header (brand, flow position, settings), one screen per route. */
export function App() {
  const route = useRoute();
  const theme = useTheme();
  const info = useRequest('app.info', {});
  const mainRef = useRef<HTMLElement>(null);

  // The desktop app's menu drives navigation through the contract's 'menu-command' event.
  useEffect(
    () =>
      getApi().on('menu-command', ({ command }) => {
        if (command === 'open-drop') navigate({ name: 'open' });
        else navigate({ name: 'home' });
      }),
    [],
  );

  // Moving between screens puts focus at the top of the new content, as a page load would; the first
  // load leaves focus alone so Tab still starts at the skip link.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    // In the next frame, where layout happens anyway: scrolling now would force an extra layout of the new screen.
    const frame = requestAnimationFrame(() => {
      mainRef.current?.scrollTo?.(0, 0);
      mainRef.current?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [route]);

  const simulated = info.state.status === 'ok' ? info.state.data.simulatedServer : undefined;
  return (
    <ThemeContext.Provider value={theme}>
      <div className="app">
        <IconSprite />
        <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
          Skip to content
        </a>
        <header className="app-header">
          <a className="app-header__brand" href="#/">
            <Icon name="logo" className="app-header__logo" />
            Drop Runner
          </a>
          <nav className="app-header__flow" aria-label="Progress">
            {flowStepOf(route) && <FlowSteps steps={FLOW_STEPS} current={flowStepOf(route)} />}
          </nav>
          <div className="app-header__tools">
            {simulated && (
              <Badge intent="warning" icon="database" title={simulated.note}>
                Simulated SQL Server
              </Badge>
            )}
            {info.state.status === 'ok' && <span className="muted small">v{info.state.data.version}</span>}
            <a className="btn btn--subtle btn--icon" href="#/settings" aria-label="Settings" title="Settings">
              <Icon name="settings" />
            </a>
          </div>
        </header>
        <HostDownBanner />
        <main className="app-main" id="main" ref={mainRef} tabIndex={-1}>
          <Screen route={route} />
        </main>
      </div>
    </ThemeContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomeScreen />;
    case 'open':
      return <OpenScreen initialPath={route.path} />;
    case 'overview':
      return <OverviewScreen key={route.dropId} dropId={route.dropId} />;
    case 'variables':
      return <VariablesScreen key={`${route.dropId}/${route.tenantId}`} dropId={route.dropId} tenantId={route.tenantId} />;
    case 'preflight':
      return <PreflightScreen key={`${route.dropId}/${route.tenantId}`} dropId={route.dropId} tenantId={route.tenantId} />;
    case 'run':
      return <RunScreen key={route.deploymentId} deploymentId={route.deploymentId} />;
    case 'report':
      return <ReportScreen key={route.deploymentId} deploymentId={route.deploymentId} />;
    case 'settings':
      return <SettingsScreen />;
    case 'perf':
      return <PerfScreen key={`${route.view}/${route.count}`} view={route.view} count={route.count} />;
    case 'not-found':
      return <NotFoundScreen hash={route.hash} />;
  }
}
