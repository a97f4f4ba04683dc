# The response ledger, moved from the consultations app (issue 18): its tables keep their names and rows
# (consultations_ledgerentry, its three link tables and consultations_historicalledgerentry); only Django's
# record of the models, and their content types, move here.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


FROM, TO = "consultations", "outcomes"


def relabel(old: str, new: str):
    """Move the ledger's content types (and so its permissions) from one app label to the other."""

    def run(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=old, model__in=["ledgerentry", "historicalledgerentry"]).update(
            app_label=new
        )

    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('comments', '0004_fewer_indexes'),
        ('consultations', '0008_ledger_moves_to_outcomes'),
        ('insights', '0002_history_change_reason_as_text'),
        ('responses', '0005_history_change_reason_as_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalLedgerEntry',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('lineage_key', models.CharField(blank=True, help_text='The clause, across versions.', max_length=200)),
                        ('decision', models.CharField(choices=[('accepted', 'Accepted: we made the change people asked for'), ('changed', 'Changed: we changed the clause in another way'), ('not_changed', 'Not changed: we kept the clause, and say why'), ('out_of_scope', 'Out of scope: the comments were about something else')], max_length=14)),
                        ('you_said', models.TextField(help_text='A fair summary of what people said.')),
                        ('we_did', models.TextField(help_text='What we did and why.')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('consultation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultations.consultation')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('question', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='responses.question')),
                        ('section', models.ForeignKey(blank=True, db_constraint=False, help_text='The clause as it was commented on.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultations.section')),
                        ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical ledger entry',
                        'verbose_name_plural': 'historical ledger entrys',
                        'db_table': 'consultations_historicalledgerentry',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='LedgerEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('lineage_key', models.CharField(blank=True, help_text='The clause, across versions.', max_length=200)),
                        ('decision', models.CharField(choices=[('accepted', 'Accepted: we made the change people asked for'), ('changed', 'Changed: we changed the clause in another way'), ('not_changed', 'Not changed: we kept the clause, and say why'), ('out_of_scope', 'Out of scope: the comments were about something else')], max_length=14)),
                        ('you_said', models.TextField(help_text='A fair summary of what people said.')),
                        ('we_did', models.TextField(help_text='What we did and why.')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('answers', models.ManyToManyField(blank=True, help_text='Answers behind it.', related_name='ledger_entries', to='responses.answer')),
                        ('comments', models.ManyToManyField(blank=True, help_text='Comments behind it.', related_name='ledger_entries', to='comments.comment')),
                        ('consultation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ledger_entries', to='consultations.consultation')),
                        ('question', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ledger_entries', to='responses.question')),
                        ('section', models.ForeignKey(blank=True, help_text='The clause as it was commented on.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='ledger_entries', to='consultations.section')),
                        ('themes', models.ManyToManyField(blank=True, related_name='ledger_entries', to='insights.theme')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'consultations_ledgerentry',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('lineage_key', ''), _negated=True), fields=('consultation', 'lineage_key'), name='ledger_one_per_clause'), models.UniqueConstraint(condition=models.Q(('question__isnull', False)), fields=('consultation', 'question'), name='ledger_one_per_question'), models.CheckConstraint(condition=models.Q(models.Q(('lineage_key', ''), _negated=True), ('question__isnull', False), _connector='OR'), name='ledger_has_a_subject')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel(FROM, TO), relabel(TO, FROM)),
    ]
