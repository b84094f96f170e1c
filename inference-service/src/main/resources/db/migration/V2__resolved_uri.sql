-- hf:// adapters: the URI pinned to the commit the verified files came from (hf://owner/repo@<commit sha>),
-- so a re-fetch after the local cache was lost gets the same files even when the branch has moved.
ALTER TABLE adapter ADD COLUMN resolved_uri TEXT;
