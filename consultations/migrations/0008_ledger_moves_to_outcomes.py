# The response ledger moved to the outcomes app (issue 18): only Django's record of the models moves; the
# tables stay, with their data, and outcomes/migrations/0001_ledger_from_consultations.py takes them over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0007_topics'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='answers',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='comments',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='consultation',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='question',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='section',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='themes',
                ),
                migrations.RemoveField(
                    model_name='ledgerentry',
                    name='updated_by',
                ),
                migrations.DeleteModel(
                    name='HistoricalLedgerEntry',
                ),
                migrations.DeleteModel(
                    name='LedgerEntry',
                ),
            ],
            database_operations=[],
        ),
    ]
