-- Why a learning waits for review, and the people, clients or projects it
-- could be about, so the person deciding sees the candidates.
ALTER TABLE knowledge ADD COLUMN metadata JSONB NOT NULL DEFAULT '{}';
