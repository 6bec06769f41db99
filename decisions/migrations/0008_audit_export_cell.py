"""Make the export's formula guard reversible (issue 8, hole 6).

``audit_cell`` put an apostrophe before text starting ``= + - @``, tab or carriage return. Text that
already started with an apostrophe (``'=1+1`` typed by a practitioner) came out looking exactly like
guarded ``=1+1``, so the offline checker could not tell them apart. Now text starting with an
apostrophe is guarded too: removing exactly one leading apostrophe always gives the text back.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_cell(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v ~ '^[-=+@''\t\r]' THEN '''' || v ELSE v END
$$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION audit_cell(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v ~ '^[-=+@\t\r]' THEN '''' || v ELSE v END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0008_audit_definer_functions")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
