import type { PackageFacts } from '../../../common/drop-model';
import { Badge } from '../../ui/badge';

const KIND_LABELS: Record<PackageFacts['kind'], string> = { nupkg: 'NuGet package', ispac: 'SSIS project', dacpac: 'DACPAC', zip: 'Zip', folder: 'Folder' };

/** Packages with the facts read from inside them (nuspec, ispac manifest and parameters, dacpac model), nested ones indented. */
export function PackageFactsList({ packages }: { packages: PackageFacts[] }) {
  return (
    <ul className="package-list">
      {packages.map((pkg) => (
        <li key={pkg.path} className="package">
          <div className="row row--between">
            <span className="row">
              <strong>{pkg.id ?? pkg.projectName ?? pkg.modelName ?? pkg.path.split('/').pop()}</strong>
              {pkg.version && <Badge intent="brand">{pkg.version}</Badge>}
              <Badge>{KIND_LABELS[pkg.kind]}</Badge>
            </span>
            <span className="mono small muted wrap-anywhere">{pkg.path}</span>
          </div>
          {(pkg.authors || pkg.description) && (
            <div className="small muted">
              {pkg.authors && <>by {pkg.authors}. </>}
              {pkg.description}
            </div>
          )}
          {pkg.kind === 'ispac' && (
            <dl className="facts small">
              {pkg.projectName && (
                <>
                  <dt>Project</dt>
                  <dd>{pkg.projectName}</dd>
                </>
              )}
              {pkg.packages && pkg.packages.length > 0 && (
                <>
                  <dt>Packages</dt>
                  <dd className="mono">{pkg.packages.join(', ')}</dd>
                </>
              )}
              {pkg.parameters && pkg.parameters.length > 0 && (
                <>
                  <dt>Parameters</dt>
                  <dd>
                    <ul className="param-list">
                      {pkg.parameters.map((p) => (
                        <li key={`${p.scope}/${p.owner ?? ''}/${p.name}`}>
                          <span className="mono">{p.scope === 'package' && p.owner ? `${p.owner}::${p.name}` : p.name}</span>
                          {p.dataType && <span className="muted"> {p.dataType}</span>}
                          {p.required && <Badge intent="warning">required</Badge>}
                          {p.sensitive && <Badge icon="lock">sensitive</Badge>}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </>
              )}
            </dl>
          )}
          {pkg.kind === 'dacpac' && pkg.modelName && (
            <dl className="facts small">
              <dt>Model</dt>
              <dd>
                {pkg.modelName} {pkg.version}
              </dd>
            </dl>
          )}
          {pkg.nested && pkg.nested.length > 0 && (
            <div className="package__nested">
              <PackageFactsList packages={pkg.nested} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
