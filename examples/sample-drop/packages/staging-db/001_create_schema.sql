-- Clinical Data Hub 2.4.0: staging schema for St. Brigid's Regional Hospital.
-- Runs with sqlcmd variables: $(StagingDatabase) comes from the step settings.
:setvar SchemaName cdh

USE [$(StagingDatabase)];
GO

IF SCHEMA_ID(N'$(SchemaName)') IS NULL
    EXEC (N'CREATE SCHEMA [$(SchemaName)] AUTHORIZATION dbo;');
GO

IF OBJECT_ID(N'[$(SchemaName)].FeedBatch', N'U') IS NULL
BEGIN
    CREATE TABLE [$(SchemaName)].FeedBatch (
        FeedBatchId     bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_FeedBatch PRIMARY KEY,
        FeedName        nvarchar(50)  NOT NULL,
        ReceivedAt      datetime2(3)  NOT NULL CONSTRAINT DF_FeedBatch_ReceivedAt DEFAULT SYSUTCDATETIME(),
        SourceFile      nvarchar(260) NULL,
        RowsLoaded      int           NOT NULL CONSTRAINT DF_FeedBatch_RowsLoaded DEFAULT 0,
        Status          varchar(12)   NOT NULL CONSTRAINT DF_FeedBatch_Status DEFAULT 'Received'
    );
END
GO
