"""Separate the role that owns the tables from the role the application runs as.

pgtrigger's append-only triggers stop the application's ORM, but any session may switch a
trigger off if it owns the table, and TRUNCATE passes row triggers by. What stops tampering is
privilege: the tables (and the SECURITY DEFINER chain and disposal functions) belong to an owner
role that migrations run as; the application's role may only SELECT and INSERT the audit tables.
Then UPDATE, DELETE, TRUNCATE, ``ALTER TABLE ... DISABLE TRIGGER`` and
``SET session_replication_role`` all fail with "permission denied".

Run it as a superuser (or a role with CREATEROLE that owns the tables) after every ``migrate``;
it is idempotent. ``--print-sql`` shows the SQL without running it. See docs/audit.md.
"""

from django.core.management.base import BaseCommand
from django.db import connection
from psycopg import sql

AUDIT_TABLES = (
    "decisions_decision",
    "decisions_addendum",
    "decisions_reviewevent",
    "decisions_accesslog",
    "decisions_exportevent",
    "decisions_disposal",
    "decisions_retentionreview",
    "checkpoints_checkpoint",
)
READ_ONLY_TABLES = ("decisions_chainhead", "decisions_decisionday")


def role_statements(
    *, owner: str, app: str, app_password: str | None, owner_password: str | None, database: str
) -> list[sql.Composable]:
    def create(role: str, password: str | None) -> sql.Composable:
        login = sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("NOLOGIN")
        body = sql.SQL(
            "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN CREATE ROLE {role} {login}; "
            "ELSE ALTER ROLE {role} {login}; END IF;"
        ).format(name=sql.Literal(role), role=sql.Identifier(role), login=login)
        # DO takes a dollar-quoted body; the body holds no "$$".
        return sql.SQL("DO $body$ BEGIN {} END $body$").format(body)

    owner_id, app_id = sql.Identifier(owner), sql.Identifier(app)
    statements: list[sql.Composable] = [
        create(owner, owner_password),
        create(app, app_password),
        sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS").format(app_id),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(sql.Identifier(database), owner_id, app_id),
        sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner_id),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_id),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(app_id),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND (p.proname LIKE 'audit\\_%%' OR p.proname LIKE '%%pgtrigger%%')"
        )
        functions = [row[0] for row in cursor.fetchall()]
    for table in tables:
        statements.append(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(table), owner_id))
    for function in functions:
        statements.append(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(function), owner_id))
    statements += [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(app_id),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app_id),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_id),
    ]
    for table in AUDIT_TABLES + READ_ONLY_TABLES:
        if table in tables:
            statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), app_id))
            privileges = "SELECT, INSERT" if table in AUDIT_TABLES else "SELECT"
            statements.append(
                sql.SQL("GRANT " + privileges + " ON {} TO {}").format(sql.Identifier(table), app_id)
            )
    # Trigger functions that run as the owner: no one else may attach them to a table of their own
    # (migration 0016). Their triggers fire for every role whatever this says.
    for function in ("audit_chain_extend()", "audit_decision_day_count()"):
        if function in functions:
            statements.append(sql.SQL("REVOKE EXECUTE ON FUNCTION " + function + " FROM PUBLIC"))
    statements += [
        sql.SQL("REVOKE EXECUTE ON FUNCTION audit_dispose_decision(bigint, bigint, text, text) FROM PUBLIC"),
        sql.SQL("GRANT EXECUTE ON FUNCTION audit_dispose_decision(bigint, bigint, text, text) TO {}").format(
            app_id
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner_id, app_id),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(owner_id, app_id),
    ]
    return statements


class Command(BaseCommand):
    help = "Create an owner role and an application role; the application may only append to audit tables."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="sharing_wizard_owner", help="Role that owns the tables.")
        parser.add_argument("--app", default="sharing_wizard_app", help="Role the application connects as.")
        parser.add_argument("--owner-password", help="Make the owner a login role (to run migrations).")
        parser.add_argument("--app-password", help="The application role's password.")
        parser.add_argument("--print-sql", action="store_true", help="Print the SQL and change nothing.")

    def handle(self, *args, **options):
        statements = role_statements(
            owner=options["owner"],
            app=options["app"],
            app_password=options["app_password"],
            owner_password=options["owner_password"],
            database=connection.settings_dict["NAME"],
        )
        connection.ensure_connection()
        raw = connection.connection
        if options["print_sql"]:
            for statement in statements:
                self.stdout.write(statement.as_string(raw) + ";")
            return
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.as_string(raw))
        self.stdout.write(
            f"Tables now belong to {options['owner']}; "
            f"{options['app']} may only read and append audit records."
        )
