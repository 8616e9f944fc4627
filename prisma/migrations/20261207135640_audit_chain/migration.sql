-- AlterTable
ALTER TABLE "audit_logs" ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "prev_hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "audit_chain" (
    "name" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_chain_pkey" PRIMARY KEY ("name")
);


-- The tamper-evident chain (lib/audit/chain.ts, docs/security.md). Each entry's hash is SHA-256 over the
-- previous entry's hash, a newline, then each field as "<bytes>:<text>" ("-" for NULL) in this order: id,
-- created_at (YYYY-MM-DDTHH:MI:SS.US), actor_id, actor_email, channel, action, target_user_id,
-- target_email, ip_address, user_agent, result, error_message, details (jsonb's text). The verifier
-- (lib/audit/chain.ts) recomputes it in JavaScript from the same texts: this function is not trusted there.
CREATE FUNCTION audit_chain_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '-' ELSE octet_length(value)::text || ':' || value END
$$;

CREATE FUNCTION audit_entry_hash(prev text, e audit_logs) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(prev || E'\n'
    || audit_chain_field(e.id::text)
    || audit_chain_field(to_char(e.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US'))
    || audit_chain_field(e.actor_id::text)
    || audit_chain_field(e.actor_email)
    || audit_chain_field(e.channel)
    || audit_chain_field(e.action)
    || audit_chain_field(e.target_user_id::text)
    || audit_chain_field(e.target_email)
    || audit_chain_field(e.ip_address)
    || audit_chain_field(e.user_agent)
    || audit_chain_field(e.result)
    || audit_chain_field(e.error_message)
    || audit_chain_field(e.details::text), 'UTF8')), 'hex')
$$;

-- Existing entries join the chain in the order they were made.
DO $$
DECLARE
  r audit_logs;
  prev text := repeat('0', 64);
  n bigint := 0;
BEGIN
  FOR r IN SELECT * FROM audit_logs ORDER BY created_at, id LOOP
    n := n + 1;
    UPDATE audit_logs SET seq = n, prev_hash = prev, hash = audit_entry_hash(prev, r) WHERE id = r.id
      RETURNING hash INTO prev;
  END LOOP;
  INSERT INTO audit_chain (name, seq, hash) VALUES ('head', n, prev), ('anchor', 0, repeat('0', 64));
END;
$$;

-- CreateIndex
CREATE UNIQUE INDEX "audit_logs_seq_key" ON "audit_logs"("seq");

-- Every INSERT, by any statement (a CTE of the change it records, Prisma, a failure entry), appends to the
-- chain: the head row is locked until the transaction ends, so appends are serialised and the chain's order
-- is the order of commits (on PGlite, one connection, trivially). A rolled-back append rolls the head back.
CREATE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head audit_chain;
BEGIN
  SELECT * INTO head FROM audit_chain WHERE name = 'head' FOR UPDATE;
  NEW.seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.hash := audit_entry_hash(head.hash, NEW);
  UPDATE audit_chain SET seq = NEW.seq, hash = NEW.hash WHERE name = 'head';
  RETURN NEW;
END;
$$;

CREATE TRIGGER audit_chain_append BEFORE INSERT ON "audit_logs"
  FOR EACH ROW EXECUTE FUNCTION audit_chain_append();
