-- An audit entry in one round trip: every read of personal data is audited,
-- and BEGIN, head update, insert and COMMIT were four trips per read. The
-- link is computed as `concord_audit::link` computes it: a domain tag, the
-- previous hash, the sequence number as 8 big-endian bytes, then every field
-- prefixed by its UTF-8 length as 8 big-endian bytes. The Rust verifier
-- checks every link this function makes.
CREATE FUNCTION concord_audit_append(
    p_at TEXT, p_actor TEXT, p_authority TEXT, p_action TEXT, p_target TEXT, p_purpose TEXT
) RETURNS TABLE (out_seq BIGINT, out_hash TEXT) LANGUAGE plpgsql AS $$
DECLARE
    next_seq BIGINT;
    prev TEXT;
    message BYTEA;
    field TEXT;
    bytes BYTEA;
    linked TEXT;
BEGIN
    -- Taking the head row's lock serializes concurrent appenders.
    UPDATE audit_head SET seq = audit_head.seq + 1 WHERE id = 1
        RETURNING audit_head.seq, audit_head.hash INTO next_seq, prev;
    message := convert_to('concord-audit-v1', 'UTF8') || decode(prev, 'hex') || int8send(next_seq);
    FOREACH field IN ARRAY ARRAY[p_at, p_actor, p_authority, p_action, p_target, p_purpose] LOOP
        bytes := convert_to(field, 'UTF8');
        message := message || int8send(octet_length(bytes)::BIGINT) || bytes;
    END LOOP;
    linked := encode(sha256(message), 'hex');
    INSERT INTO audit_log (seq, at, actor, authority, action, target, purpose, prev_hash, hash)
        VALUES (next_seq, p_at, p_actor, p_authority, p_action, p_target, p_purpose, prev, linked);
    UPDATE audit_head SET hash = linked WHERE id = 1;
    out_seq := next_seq;
    out_hash := linked;
    RETURN NEXT;
END
$$;
