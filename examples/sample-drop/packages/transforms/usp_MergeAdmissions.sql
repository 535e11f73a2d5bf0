-- St. Brigid's transform: ADT admissions from staging into the hub, one batch at a time.
CREATE OR ALTER PROCEDURE cdh.usp_MergeAdmissions
    @FeedBatchId bigint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    -- St. Brigid's sends ward codes in lower case from the maternity wing's older system.
    UPDATE cdh.Admission
    SET WardCode = UPPER(LTRIM(RTRIM(WardCode)))
    WHERE FeedBatchId = @FeedBatchId;

    UPDATE cdh.FeedBatch
    SET Status = 'Merged', RowsLoaded = (SELECT COUNT(*) FROM cdh.Admission WHERE FeedBatchId = @FeedBatchId)
    WHERE FeedBatchId = @FeedBatchId;
END
GO
