import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { identifyPackage, identifyPackageFileName } from '../../../main/octopus/package-identity';

describe('package identification', () => {
  it.each([
    ['OctoFX.Database.1.2.3.zip', 'OctoFX.Database', '1.2.3', '.zip'],
    ['Meridian.Reports.1.0.0-beta.2+build.7.zip', 'Meridian.Reports', '1.0.0-beta.2+build.7', '.zip'],
    ['OctoFX.TradingWebsite.3.0.298_B47863CDE8E3F24E95873F4B59FE990E.nupkg', 'OctoFX.TradingWebsite', '3.0.298', '.nupkg'],
    ['My%40Pkg@S1.0.0%2Bmeta@B47863CDE8E3F24E95873F4B59FE990E.zip', 'My@Pkg', '1.0.0+meta', '.zip'],
    ['app.2.0.tar.gz', 'app', '2.0', '.tar.gz'],
  ])('%s', (file, id, version, extension) => {
    expect(identifyPackageFileName(file)).toEqual({ id, version, extension, source: 'file-name' });
  });

  it('returns null for names that follow no rule', () => {
    expect(identifyPackageFileName('readme.txt')).toBeNull();
    expect(identifyPackageFileName('a@b.zip')).toBeNull();
  });

  it('reads id and version from the nuspec of a .nupkg, ignoring the file name', () => {
    const zip = new AdmZip();
    zip.addFile('Real.Id.nuspec', Buffer.from('<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>Real.Id</id><version>4.5.6</version></metadata></package>'));
    expect(identifyPackage(zip.toBuffer(), 'Renamed.1.0.0.nupkg')).toEqual({ id: 'Real.Id', version: '4.5.6', extension: '.nupkg', source: 'nuspec' });
  });

  it('refuses an unidentifiable package with OCTOPUS_PACKAGE_UNKNOWN and a non-zip .nupkg with OCTOPUS_PACKAGE_INVALID', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as AppError).code;
      }
      return 'none';
    };
    expect(code(() => identifyPackage(new AdmZip().toBuffer(), 'whatever.bin'))).toBe('OCTOPUS_PACKAGE_UNKNOWN');
    expect(code(() => identifyPackage(Buffer.from('not a zip'), 'X.1.0.0.nupkg'))).toBe('OCTOPUS_PACKAGE_INVALID');
  });
});
