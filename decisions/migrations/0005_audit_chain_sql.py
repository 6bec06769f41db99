"""The decision log's hash chain, its guard, the disposal function and the export cell guard.

Everything that must hold even if the application is bypassed lives here, in the database:

* ``audit_chain_extend`` (BEFORE INSERT, every chained table): locks the one ``decisions_chainhead``
  row, gives the new row the next sequence number, the previous hash, a SHA-256 of its canonical
  content and its link hash, and moves the head. Concurrent inserts queue on the head row's lock,
  and a rolled-back insert rolls the head back with it, so the chain can neither fork nor gap.
* ``audit_chain_guard`` (BEFORE UPDATE): chain columns never change, and content only changes for
  a decision that has a ``decisions_disposal`` row (written by ``audit_dispose_decision``).
* ``audit_dispose_decision``: the only way to replace a decision's content by a tombstone.

See docs/audit.md for the canonical serialisation and the hash formulas.
"""

from django.db import migrations

CHAINED = {
    "decisions_decision": "decision",
    "decisions_addendum": "addendum",
    "decisions_reviewevent": "review",
    "decisions_disposal": "disposal",
    "decisions_exportevent": "export",
}
GUARDED = {"decisions_decision": "decision", "decisions_addendum": "addendum", "decisions_reviewevent": "review"}
# The pgtrigger "append_only" triggers of the three guarded tables (see 0001 and 0003).
IGNORE = "{pgtrigger_append_only_8236e,pgtrigger_append_only_92fdb,pgtrigger_append_only_a25ba}"
CHAIN_COLUMNS = ("chain_seq", "chain_prev", "chain_hash", "content_hash")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION audit_canonical(r anyelement) RETURNS text
LANGUAGE sql STABLE SET timezone = 'UTC' AS $$
  SELECT jsonb_strip_nulls(to_jsonb(r) - ARRAY['chain_seq', 'chain_prev', 'chain_hash', 'content_hash'])::text
$$;

CREATE OR REPLACE FUNCTION audit_sha256(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_link_hash(prev text, seq bigint, kind text, content text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT audit_sha256(prev || '|' || seq::text || '|' || kind || '|' || content)
$$;

CREATE OR REPLACE FUNCTION audit_cell(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v ~ '^[-=+@\t\r]' THEN '''' || v ELSE v END
$$;

CREATE OR REPLACE FUNCTION audit_chain_extend() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET timezone = 'UTC' AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM decisions_chainhead WHERE id = 1 FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO decisions_chainhead (id, seq, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM decisions_chainhead WHERE id = 1 FOR UPDATE;
  END IF;
  NEW.chain_seq := head_seq + 1;
  NEW.chain_prev := head_hash;
  NEW.content_hash := audit_sha256(audit_canonical(NEW));
  NEW.chain_hash := audit_link_hash(NEW.chain_prev, NEW.chain_seq, TG_ARGV[0], NEW.content_hash);
  UPDATE decisions_chainhead SET seq = NEW.chain_seq, hash = NEW.chain_hash WHERE id = 1;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION audit_chain_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_decision bigint;
BEGIN
  IF NEW.chain_seq IS DISTINCT FROM OLD.chain_seq OR NEW.chain_prev IS DISTINCT FROM OLD.chain_prev
     OR NEW.chain_hash IS DISTINCT FROM OLD.chain_hash OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
     OR NEW.id IS DISTINCT FROM OLD.id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'the chain columns of % cannot change', TG_TABLE_NAME;
  END IF;
  IF TG_ARGV[0] = 'decision' THEN
    v_decision := NEW.id;
  ELSE
    v_decision := NEW.decision_id;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM decisions_disposal WHERE decision_id = v_decision) THEN
    RAISE EXCEPTION '% rows change only through audit_dispose_decision()', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION audit_dispose_decision(p_decision bigint, p_actor bigint, p_reason text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  d record;
  disposal_id bigint;
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'a disposal needs a reason';
  END IF;
  SELECT id, chain_seq, content_hash INTO d FROM decisions_decision WHERE id = p_decision FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no decision %', p_decision;
  END IF;
  IF EXISTS (SELECT 1 FROM decisions_disposal WHERE decision_id = p_decision) THEN
    RAISE EXCEPTION 'decision % is already disposed of', p_decision;
  END IF;
  INSERT INTO decisions_disposal (decision_id, actor_id, reason, decision_chain_seq, decision_content_hash, created_at)
  VALUES (p_decision, p_actor, p_reason, d.chain_seq, d.content_hash, now())
  RETURNING id INTO disposal_id;
  PERFORM set_config('pgtrigger.ignore', '__IGNORE__', true);
  UPDATE decisions_decision
     SET case_reference = 'DISPOSED', route = '[]', answers = '{}', form_data = '{}', rationale = '',
         lawful_basis = '', special_category_condition = '', recipient_organisation = '',
         shared_on = NULL, shared_at = NULL, advice_from = ''
   WHERE id = p_decision;
  UPDATE decisions_addendum SET text = '', advice_from = '' WHERE decision_id = p_decision;
  UPDATE decisions_reviewevent SET comment = '', escalation_route = '' WHERE decision_id = p_decision;
  PERFORM set_config('pgtrigger.ignore', '{}', true);
  RETURN disposal_id;
END
$$;
""".replace("__IGNORE__", IGNORE)

BACKFILL = r"""
DO $$
DECLARE
  r record;
  head_seq bigint := 0;
  head_hash text := repeat('0', 64);
  c text;
  h text;
BEGIN
  PERFORM set_config('pgtrigger.ignore', '__IGNORE__', true);
  FOR r IN
    SELECT 'decision' AS kind, id, created_at, 1 AS o FROM decisions_decision
    UNION ALL SELECT 'addendum', id, created_at, 2 FROM decisions_addendum
    UNION ALL SELECT 'review', id, created_at, 3 FROM decisions_reviewevent
    ORDER BY created_at, o, id
  LOOP
    head_seq := head_seq + 1;
    IF r.kind = 'decision' THEN
      SELECT audit_sha256(audit_canonical(t)) INTO c FROM decisions_decision t WHERE t.id = r.id;
      UPDATE decisions_decision SET chain_seq = head_seq, chain_prev = head_hash, content_hash = c,
        chain_hash = audit_link_hash(head_hash, head_seq, r.kind, c) WHERE id = r.id RETURNING chain_hash INTO h;
    ELSIF r.kind = 'addendum' THEN
      SELECT audit_sha256(audit_canonical(t)) INTO c FROM decisions_addendum t WHERE t.id = r.id;
      UPDATE decisions_addendum SET chain_seq = head_seq, chain_prev = head_hash, content_hash = c,
        chain_hash = audit_link_hash(head_hash, head_seq, r.kind, c) WHERE id = r.id RETURNING chain_hash INTO h;
    ELSE
      SELECT audit_sha256(audit_canonical(t)) INTO c FROM decisions_reviewevent t WHERE t.id = r.id;
      UPDATE decisions_reviewevent SET chain_seq = head_seq, chain_prev = head_hash, content_hash = c,
        chain_hash = audit_link_hash(head_hash, head_seq, r.kind, c) WHERE id = r.id RETURNING chain_hash INTO h;
    END IF;
    head_hash := h;
  END LOOP;
  INSERT INTO decisions_chainhead (id, seq, hash) VALUES (1, head_seq, head_hash)
  ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
  PERFORM set_config('pgtrigger.ignore', '{}', true);
END
$$;
""".replace("__IGNORE__", IGNORE)


def triggers_sql() -> str:
    parts = []
    for table, kind in CHAINED.items():
        parts.append(
            f"CREATE TRIGGER zz_audit_chain BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_chain_extend('{kind}');"
        )
        not_null = ", ".join(f"ALTER COLUMN {column} SET NOT NULL" for column in CHAIN_COLUMNS)
        parts.append(f"ALTER TABLE {table} {not_null};")
    for table, kind in GUARDED.items():
        parts.append(
            f"CREATE TRIGGER zz_audit_guard BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION audit_chain_guard('{kind}');"
        )
    return "\n".join(parts)


def reverse_triggers_sql() -> str:
    parts = []
    for table in CHAINED:
        parts.append(f"DROP TRIGGER IF EXISTS zz_audit_chain ON {table};")
        drop_null = ", ".join(f"ALTER COLUMN {column} DROP NOT NULL" for column in CHAIN_COLUMNS)
        parts.append(f"ALTER TABLE {table} {drop_null};")
    for table in GUARDED:
        parts.append(f"DROP TRIGGER IF EXISTS zz_audit_guard ON {table};")
    return "\n".join(parts)


DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS audit_dispose_decision(bigint, bigint, text);
DROP FUNCTION IF EXISTS audit_chain_guard();
DROP FUNCTION IF EXISTS audit_chain_extend();
DROP FUNCTION IF EXISTS audit_cell(text);
DROP FUNCTION IF EXISTS audit_link_hash(text, bigint, text, text);
DROP FUNCTION IF EXISTS audit_sha256(text);
DROP FUNCTION IF EXISTS audit_canonical(anyelement);
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_audit_chain_models")]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(triggers_sql(), reverse_triggers_sql()),
    ]
