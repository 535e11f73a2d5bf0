-- St. Brigid's transform: lab results, with the hospital's own abnormal-flag mapping.
CREATE OR ALTER PROCEDURE cdh.usp_MergeLabResults
    @FeedBatchId bigint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;

    -- The lab system sends 'HH'/'LL' for critical values; the hub stores one letter.
    UPDATE cdh.LabResult
    SET AbnormalFlag = CASE AbnormalFlag WHEN 'H' THEN 'H' WHEN 'L' THEN 'L' ELSE AbnormalFlag END
    WHERE FeedBatchId = @FeedBatchId;

    UPDATE cdh.FeedBatch SET Status = 'Merged' WHERE FeedBatchId = @FeedBatchId;
END
GO
