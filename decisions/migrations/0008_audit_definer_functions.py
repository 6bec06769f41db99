"""Harden the chain's SECURITY DEFINER functions and make disposal checked and provable (issue 8).

* Every audit function that reads tables pins ``search_path`` to the schema the tables live in,
  with ``pg_temp`` last, and names every table and audit function with its schema. Before this,
  ``search_path`` was copied from migration time, which searches ``pg_temp`` first: the app role
  could create a temporary ``decisions_chainhead`` or ``decisions_disposal`` and make the definer
  functions (running as the owner) use it. ``audit_canonical`` reads no table and keeps 0005's
  definition: a second ``SET`` on it costs about 30% of the verifier's speed, and functions and
  operators are never looked up in ``pg_temp``.
* ``audit_dispose_decision`` refuses unless the actor is an active auditor or administrator and the
  decision is past the retention period, or a legal reason for an early disposal is given (recorded
  in the disposal row, ``legal_override``).
* The disposal row records ``tombstone_hash``: SHA-256 over ``seq:sha256(canonical)`` lines of the
  tombstoned decision, addenda and reviews, so the verifier can tell a later edit of a tombstone.

Self-contained: the SQL is written out here, not imported, so later code changes do not alter what
this migration did. The tombstone values must match ``decisions.audit.TOMBSTONES``.
"""

from django.db import migrations, models

IGNORE = "{pgtrigger_append_only_8236e,pgtrigger_append_only_92fdb,pgtrigger_append_only_a25ba}"
CHAIN = "ARRAY['chain_seq', 'chain_prev', 'chain_hash', 'content_hash']"
TOMB_DECISION = (
    """'{"case_reference": "DISPOSED", "route": [], "answers": {}, "form_data": {}, "rationale": "", """
    """"lawful_basis": "", "special_category_condition": "", "recipient_organisation": "", """
    """"shared_on": null, "shared_at": null, "advice_from": ""}'::jsonb"""
)
TOMB_ADDENDUM = """'{"text": "", "advice_from": ""}'::jsonb"""
TOMB_REVIEW = """'{"comment": "", "escalation_route": ""}'::jsonb"""

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION @S.audit_sha256(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(t, 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION @S.audit_link_hash(prev text, seq bigint, kind text, content text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT @S.audit_sha256(prev || '|' || seq::text || '|' || kind || '|' || content)
$$;

CREATE OR REPLACE FUNCTION @S.audit_chain_extend() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @S, pg_temp SET timezone = 'UTC' AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM @S.decisions_chainhead WHERE id = 1 FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO @S.decisions_chainhead (id, seq, hash) VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM @S.decisions_chainhead WHERE id = 1 FOR UPDATE;
  END IF;
  NEW.chain_seq := head_seq + 1;
  NEW.chain_prev := head_hash;
  NEW.content_hash := @S.audit_sha256(@S.audit_canonical(NEW));
  NEW.chain_hash := @S.audit_link_hash(NEW.chain_prev, NEW.chain_seq, TG_ARGV[0], NEW.content_hash);
  UPDATE @S.decisions_chainhead SET seq = NEW.chain_seq, hash = NEW.chain_hash WHERE id = 1;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION @S.audit_chain_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = @S, pg_temp AS $$
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
  IF NOT EXISTS (SELECT 1 FROM @S.decisions_disposal WHERE decision_id = v_decision) THEN
    RAISE EXCEPTION '% rows change only through audit_dispose_decision()', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END
$$;

DROP FUNCTION IF EXISTS @S.audit_dispose_decision(bigint, bigint, text);

CREATE FUNCTION @S.audit_dispose_decision(
  p_decision bigint, p_actor bigint, p_reason text, p_legal_override text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @S, pg_temp SET timezone = 'UTC' AS $$
DECLARE
  d record;
  v_years integer;
  v_tombstone text;
  disposal_id bigint;
BEGIN
  IF coalesce(btrim(p_reason), '') = '' THEN
    RAISE EXCEPTION 'a disposal needs a reason';
  END IF;
  SELECT id, chain_seq, content_hash, created_at INTO d
    FROM @S.decisions_decision WHERE id = p_decision FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no decision %', p_decision;
  END IF;
  IF EXISTS (SELECT 1 FROM @S.decisions_disposal WHERE decision_id = p_decision) THEN
    RAISE EXCEPTION 'decision % is already disposed of', p_decision;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM @S.auth_user u
      JOIN @S.auth_user_groups ug ON ug.user_id = u.id
      JOIN @S.auth_group g ON g.id = ug.group_id
     WHERE u.id = p_actor AND u.is_active AND g.name IN ('Auditor', 'Administrator')
  ) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
      MESSAGE = 'only an active auditor or administrator may dispose of a decision';
  END IF;
  SELECT retention_years INTO v_years FROM @S.decisions_localsettings WHERE id = 1;
  v_years := coalesce(v_years, 6);
  IF d.created_at > now() - make_interval(years => v_years) AND coalesce(btrim(p_legal_override), '') = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation',
      MESSAGE = format('decision %s is within its retention period of %s years: disposing of it '
                       'before then needs a recorded legal reason', p_decision, v_years);
  END IF;
  SELECT @S.audit_sha256(string_agg(t.chain_seq::text || ':' || @S.audit_sha256(t.canonical), E'\n'
                                    ORDER BY t.chain_seq))
    INTO v_tombstone
    FROM (
      SELECT x.chain_seq, jsonb_strip_nulls((to_jsonb(x) - __CHAIN__) || __TOMB_DECISION__)::text AS canonical
        FROM @S.decisions_decision x WHERE x.id = p_decision
      UNION ALL
      SELECT x.chain_seq, jsonb_strip_nulls((to_jsonb(x) - __CHAIN__) || __TOMB_ADDENDUM__)::text
        FROM @S.decisions_addendum x WHERE x.decision_id = p_decision
      UNION ALL
      SELECT x.chain_seq, jsonb_strip_nulls((to_jsonb(x) - __CHAIN__) || __TOMB_REVIEW__)::text
        FROM @S.decisions_reviewevent x WHERE x.decision_id = p_decision
    ) t;
  INSERT INTO @S.decisions_disposal (decision_id, actor_id, reason, legal_override, decision_chain_seq,
                                     decision_content_hash, tombstone_hash, created_at)
  VALUES (p_decision, p_actor, p_reason, nullif(btrim(p_legal_override), ''), d.chain_seq, d.content_hash,
          v_tombstone, now())
  RETURNING id INTO disposal_id;
  PERFORM set_config('pgtrigger.ignore', '__IGNORE__', true);
  UPDATE @S.decisions_decision
     SET case_reference = 'DISPOSED', route = '[]', answers = '{}', form_data = '{}', rationale = '',
         lawful_basis = '', special_category_condition = '', recipient_organisation = '',
         shared_on = NULL, shared_at = NULL, advice_from = '',
         referred_at = NULL, power = NULL, criminal_offence_condition = NULL  -- added in 0009
   WHERE id = p_decision;
  UPDATE @S.decisions_addendum SET text = '', advice_from = '' WHERE decision_id = p_decision;
  UPDATE @S.decisions_reviewevent SET comment = '', escalation_route = '' WHERE decision_id = p_decision;
  PERFORM set_config('pgtrigger.ignore', '{}', true);
  RETURN disposal_id;
END
$$;
REVOKE EXECUTE ON FUNCTION @S.audit_dispose_decision(bigint, bigint, text, text) FROM PUBLIC;
"""

# Back to 0005's definitions (search_path from migration time, unchecked disposal).
REVERSE = r"""
DROP FUNCTION IF EXISTS @S.audit_dispose_decision(bigint, bigint, text, text);
CREATE FUNCTION @S.audit_dispose_decision(p_decision bigint, p_actor bigint, p_reason text)
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
ALTER FUNCTION @S.audit_chain_extend() SET search_path FROM CURRENT;
ALTER FUNCTION @S.audit_chain_guard() RESET search_path;
"""


def _fill(template: str, schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        (schema,) = cursor.fetchone()
    return (
        template.replace("__TOMB_DECISION__", TOMB_DECISION)
        .replace("__TOMB_ADDENDUM__", TOMB_ADDENDUM)
        .replace("__TOMB_REVIEW__", TOMB_REVIEW)
        .replace("__CHAIN__", CHAIN)
        .replace("__IGNORE__", IGNORE)
        .replace("@S", schema)
    )


def forwards(apps, schema_editor):
    schema_editor.execute(_fill(FUNCTIONS, schema_editor), params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(_fill(REVERSE, schema_editor), params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_decision_requested_on")]

    operations = [
        migrations.AddField(
            model_name="disposal",
            name="legal_override",
            field=models.TextField(
                blank=True,
                help_text="The legal reason for disposing of a decision before its retention period ended.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="disposal",
            name="tombstone_hash",
            field=models.CharField(
                editable=False,
                help_text="SHA-256 over the tombstoned decision, addenda and reviews (see decisions.audit).",
                max_length=64,
                null=True,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
