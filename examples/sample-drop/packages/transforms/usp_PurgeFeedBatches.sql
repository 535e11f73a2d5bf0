-- Removes merged batches older than the retention period, $(BatchSize) batches per call.
CREATE OR ALTER PROCEDURE cdh.usp_PurgeFeedBatches
    @OlderThanDays int = 90
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @cutoff datetime2(3) = DATEADD(DAY, -@OlderThanDays, SYSUTCDATETIME());
    DECLARE @batches TABLE (FeedBatchId bigint PRIMARY KEY);

    INSERT INTO @batches (FeedBatchId)
    SELECT TOP ($(BatchSize)) FeedBatchId
    FROM cdh.FeedBatch
    WHERE Status = 'Merged' AND ReceivedAt < @cutoff
    ORDER BY FeedBatchId;

    DELETE r FROM cdh.LabResult AS r JOIN @batches AS b ON b.FeedBatchId = r.FeedBatchId;
    DELETE a FROM cdh.Admission AS a JOIN @batches AS b ON b.FeedBatchId = a.FeedBatchId;
    DELETE f FROM cdh.FeedBatch AS f JOIN @batches AS b ON b.FeedBatchId = f.FeedBatchId;
END
GO
