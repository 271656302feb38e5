-- hvreplay schema, version 3: the file says it is an hvreplay store, and keeps what lets every read
-- notice damage (README "Guarantees").
--
-- application_id (bytes 68-71 of the SQLite header) is 'hvrp': a file without it and without the
-- tables of an older hvreplay is someone else's, and is refused before anything is written to it.
PRAGMA application_id = 1752593008;

-- Per block of 64 events of a trace (seq / 64), the CRC-32 of the block's rows exactly as the page
-- reader receives them (src/store/event-blocks.ts). Written by the import in its transaction; every
-- read of events checks the blocks it reads.
CREATE TABLE event_blocks (
  trace_id INTEGER NOT NULL,
  block    INTEGER NOT NULL,
  crc      INTEGER NOT NULL,
  PRIMARY KEY (trace_id, block)
) WITHOUT ROWID;

-- sha256 over the trace's block CRCs in order (what `hvreplay verify` compares), and the CRC-32 of
-- the row's other columns. Both NULL for a trace imported before version 3: only its counts and seq
-- sequence can be checked.
ALTER TABLE traces ADD COLUMN checksum TEXT;
ALTER TABLE traces ADD COLUMN row_crc INTEGER;

-- CRC-32 of `text`; NULL for strings interned before version 3.
ALTER TABLE strings ADD COLUMN crc INTEGER;
