from django.db import migrations

ROLES = ["Practitioner", "Manager", "Auditor", "Administrator"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    LocalSettings = apps.get_model("decisions", "LocalSettings")
    LocalSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
