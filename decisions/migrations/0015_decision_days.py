"""Each team's decisions counted by day (UTC) and outcome, for the dashboard (issue 12).

The dashboard's series read every decision of a team's period: 25,000 index entries for a year at
a million decisions, 16 ms, growing with the team. ``decisions_decisionday`` holds one row per team,
UTC day and outcome (with the emergency, flagged and continued counts), so a year is at most about
1,100 rows; only the partial days at the edges of a week or month in local time are counted from
the decisions themselves (``decisions.dashboard``).

* ``audit_decision_day_count`` (AFTER INSERT on the decisions, for decisions with a team) adds each
  new decision to its day's row. It is SECURITY DEFINER with a pinned ``search_path``, as the
  chain's functions are (0008): in production the application's role may only read the table
  (``setup_database_roles``), and the function, owned by the tables' owner, writes it. The name
  starts with ``audit_`` so that ``setup_database_roles`` gives it to the owner.
* The counts of the decisions already recorded are filled in the same transaction, with the
  decisions locked against inserts for the moment it takes (about 3 s at a million).
* A decision's team, time, outcome and flags never change (append-only; a disposal blanks its
  contents, not these), so a count only ever goes up.

Self-contained: the SQL is written out here, not imported, so later code changes do not alter what
this migration did.
"""

import django.db.models.deletion
from django.db import migrations, models


FUNCTION = r"""
CREATE OR REPLACE FUNCTION @S.audit_decision_day_count() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = @S, pg_temp AS $$
BEGIN
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

CREATE TRIGGER zz_decision_day AFTER INSERT ON @S.decisions_decision
FOR EACH ROW WHEN (NEW.team_id IS NOT NULL) EXECUTE FUNCTION @S.audit_decision_day_count();
"""

# Also run by bench/bench_manager.py, which loads its decisions with the triggers off.
BACKFILL = r"""
LOCK TABLE @S.decisions_decision IN SHARE MODE;
INSERT INTO @S.decisions_decisionday (team_id, day, outcome, decisions, emergency, flagged, continued)
SELECT team_id, (created_at AT TIME ZONE 'UTC')::date, outcome, count(*),
       count(*) FILTER (WHERE emergency), count(*) FILTER (WHERE needs_attention),
       count(*) FILTER (WHERE continues_id IS NOT NULL)
FROM @S.decisions_decision WHERE team_id IS NOT NULL
GROUP BY 1, 2, 3;
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS zz_decision_day ON @S.decisions_decision;
DROP FUNCTION IF EXISTS @S.audit_decision_day_count();
"""


def _fill(template: str, schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        (schema,) = cursor.fetchone()
    return template.replace("@S", schema)


def forwards(apps, schema_editor):
    schema_editor.execute(_fill(FUNCTION + BACKFILL, schema_editor), params=None)


def backwards(apps, schema_editor):
    schema_editor.execute(_fill(REVERSE, schema_editor), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0014_waiting_for_advice_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(help_text='The UTC day the decisions were recorded on.')),
                ('outcome', models.CharField(choices=[('share', 'Share the information'), ('do-not-share', 'Do not share the information'), ('awaiting-advice', 'Awaiting advice')], max_length=20)),
                ('decisions', models.IntegerField()),
                ('emergency', models.IntegerField()),
                ('flagged', models.IntegerField()),
                ('continued', models.IntegerField()),
                ('team', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='decisions.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'day', 'outcome'), name='decision_day_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
