-- hvreplay schema, version 5: a generic event's args that repeat are interned whatever their form.
-- (Numbered after 003 and 004 of the branches it merges with; it changes only event_log and how
-- the codec reads an INTEGER args.)
--
-- Versions 1 to 4 interned only raw text payloads ({"raw": ...}, as the text importers keep unknown events);
-- a trace.dat gives unknown events their decoded fields as a JSON object, which repeats just as much
-- (kvm_emulate_insn of a guest in a loop), so an INTEGER args now names a strings row that is either
-- a JSON object (it starts with '{') or a raw payload. Raw payloads starting with '{' were never
-- interned, so rows written by earlier versions read the same. The view shows JSON as before.
DROP VIEW event_log;

CREATE VIEW event_log AS
SELECT t.name AS trace, e.trace_id, e.seq, k.name AS kind, n.text AS name,
       t.t0 + e.t_ns / 1e9 AS ts, e.pid, e.tid, c.text AS comm, e.cpu, e.vm, e.vcpu,
       CASE
         WHEN e.args IS NULL THEN NULL
         WHEN typeof(e.args) IN ('integer', 'real') THEN
           (SELECT CASE WHEN substr(s.text, 1, 1) = '{' THEN s.text ELSE json_object('raw', s.text) END FROM strings s WHERE s.id = e.args)
         WHEN substr(e.args, 1, 1) = '{' THEN e.args
         ELSE json_object('raw', e.args)
       END AS args,
       e.result, f.text || ':' || e.src_line AS source, e.label
FROM events e
JOIN traces t ON t.id = e.trace_id
JOIN kinds k ON k.id = e.kind
JOIN strings n ON n.id = e.name
LEFT JOIN strings c ON c.id = e.comm
LEFT JOIN strings f ON f.id = e.src_file;
