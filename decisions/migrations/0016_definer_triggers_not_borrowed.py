"""The SECURITY DEFINER trigger functions can no longer be borrowed by the application's role.

A trigger function needs EXECUTE only when a trigger is created with it, and PUBLIC had EXECUTE on
``audit_chain_extend`` (0005) and ``audit_decision_day_count`` (0015). So the app role could create
a temporary table of its own, attach either function to it, and insert rows of its choosing: the
function then ran as the owner, and moved the chain's head off the log (verification failed from
then on) or wrote any figure into the dashboard's day counts (an emergency count at the integer
limit even made the team's next emergency decision fail to record). Found in review; the test is
``tests/audit/test_definer_functions.py``.

* EXECUTE is revoked from PUBLIC on both. The triggers the migrations created keep firing for every
  role: PostgreSQL checks the privilege when a trigger is created, not when it fires.
* ``audit_decision_day_count`` also refuses to run for any table but the decisions, in case the
  privilege is ever granted again. The chain's function is left as 0008 wrote it.

Self-contained: the SQL is written out here, not imported.
"""

from django.db import migrations

FORWARDS = r"""
CREATE OR REPLACE FUNCTION @S.audit_decision_day_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @S, pg_temp AS $$
BEGIN
  IF TG_RELID <> '@S.decisions_decision'::regclass OR TG_OP <> 'INSERT' OR TG_WHEN <> 'AFTER' THEN
    RAISE EXCEPTION 'audit_decision_day_count counts inserts into decisions_decision only';
  END IF;
  INSERT INTO @S.decisions_decisionday AS d
    (team_id, day, outcome, decisions, emergency, flagged, continued)
  VALUES (NEW.team_id, (NEW.created_at AT TIME ZONE 'UTC')::date, NEW.outcome, 1,
          NEW.emergency::int, NEW.needs_attention::int, (NEW.continues_id IS NOT NULL)::int)
  ON CONFLICT (team_id, day, outcome) DO UPDATE
    SET decisions = d.decisions + 1,
        emergency = d.emergency + EXCLUDED.emergency,
        flagged = d.flagged + EXCLUDED.flagged,
        continued = d.continued + EXCLUDED.continued;
  RETURN NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION @S.audit_decision_day_count() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @S.audit_chain_extend() FROM PUBLIC;
"""

REVERSE = r"""
GRANT EXECUTE ON FUNCTION @S.audit_decision_day_count() TO PUBLIC;
GRANT EXECUTE ON FUNCTION @S.audit_chain_extend() TO PUBLIC;
"""


def _fill(template: str, schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        (schema,) = cursor.fetchone()
    return template.replace("@S", schema)


def forwards(apps, schema_editor):
    schema_editor.execute(_fill(FORWARDS, schema_editor), params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(_fill(REVERSE, schema_editor), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0015_decision_days"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
