-- Ward reference list for St. Brigid's; MERGE keeps the script safe to re-run.
IF OBJECT_ID(N'cdh.Ward', N'U') IS NULL
    CREATE TABLE cdh.Ward (
        WardCode    varchar(10)  NOT NULL CONSTRAINT PK_Ward PRIMARY KEY,
        WardName    nvarchar(80) NOT NULL,
        IsActive    bit          NOT NULL CONSTRAINT DF_Ward_IsActive DEFAULT 1
    );
GO

MERGE cdh.Ward AS target
USING (VALUES
    ('ED',   N'Emergency Department'),
    ('ICU',  N'Intensive Care Unit'),
    ('MAT',  N'Maternity - St. Anne''s Wing'),
    ('ONC',  N'Oncology Day Unit'),
    ('SURG', N'Surgical Ward 3B'),
    ('PAED', N'Paediatrics')
) AS source (WardCode, WardName)
ON target.WardCode = source.WardCode
WHEN MATCHED AND target.WardName <> source.WardName THEN
    UPDATE SET WardName = source.WardName
WHEN NOT MATCHED BY TARGET THEN
    INSERT (WardCode, WardName) VALUES (source.WardCode, source.WardName);
GO
