-- The confusion matrix of a checkpoint's validation evaluation, for the model card:
-- {"labels": ["negative", "neutral", "positive"], "matrix": [[..], [..], [..]]}, rows = true label,
-- columns = predicted label. Null for checkpoints without validation records (and those recorded before V2).
ALTER TABLE checkpoint ADD COLUMN confusion_matrix TEXT;
