-- Admissions (ADT A01/A03) and lab results (ORU R01) land here before the transforms merge them.
IF OBJECT_ID(N'cdh.Admission', N'U') IS NULL
BEGIN
    CREATE TABLE cdh.Admission (
        AdmissionId     bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Admission PRIMARY KEY,
        FeedBatchId     bigint        NOT NULL CONSTRAINT FK_Admission_FeedBatch REFERENCES cdh.FeedBatch (FeedBatchId),
        VisitNumber     varchar(20)   NOT NULL,
        PatientMrn      varchar(20)   NOT NULL,
        WardCode        varchar(10)   NULL,
        AdmittedAt      datetime2(0)  NOT NULL,
        DischargedAt    datetime2(0)  NULL,
        MessageControlId varchar(50)  NOT NULL
    );
    CREATE UNIQUE INDEX UX_Admission_MessageControlId ON cdh.Admission (MessageControlId);
END
GO

IF OBJECT_ID(N'cdh.LabResult', N'U') IS NULL
BEGIN
    CREATE TABLE cdh.LabResult (
        LabResultId     bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_LabResult PRIMARY KEY,
        FeedBatchId     bigint        NOT NULL CONSTRAINT FK_LabResult_FeedBatch REFERENCES cdh.FeedBatch (FeedBatchId),
        VisitNumber     varchar(20)   NOT NULL,
        TestCode        varchar(20)   NOT NULL,
        ResultValue     nvarchar(200) NULL,
        Units           nvarchar(20)  NULL,
        AbnormalFlag    char(1)       NULL,
        ObservedAt      datetime2(0)  NOT NULL
    );
END
GO

-- The nightly purge selects by batch; this keeps it from scanning the whole table.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_LabResult_FeedBatchId' AND object_id = OBJECT_ID(N'cdh.LabResult'))
    CREATE INDEX IX_LabResult_FeedBatchId ON cdh.LabResult (FeedBatchId);
GO
