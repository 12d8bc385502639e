"""Migration operations that keep large tables writable while they change."""

from django.db.migrations.operations import AddIndex, AlterField, RemoveIndex
from django.db.models import Index


class AddIndexConcurrently(AddIndex):
    """CREATE INDEX CONCURRENTLY on PostgreSQL, so people can keep raising and endorsing
    issues while an index builds on a table of 100,000 rows; a plain CREATE INDEX on other
    databases. The migration holding it must say `atomic = False`."""

    def describe(self) -> str:
        return f"Create index {self.index.name} on {self.model_name} (concurrently where possible)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class RemoveIndexConcurrently(RemoveIndex):
    """DROP INDEX CONCURRENTLY on PostgreSQL, so that queries on the table are not held
    while an index goes; a plain DROP INDEX on other databases. The migration holding it
    must say `atomic = False`."""

    def describe(self) -> str:
        return f"Remove index {self.name} from {self.model_name} (concurrently where possible)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, index, concurrently=True)
        else:
            schema_editor.remove_index(model, index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)


class DropForeignKeyIndexConcurrently(AlterField):
    """A foreign key set to `db_index=False` because one of its model's indexes already
    leads with it: DROP INDEX CONCURRENTLY of the key's own index on PostgreSQL, the field
    altered as usual on other databases. The migration holding it must say `atomic = False`.

    A key's own index is not only redundant there. A prepared statement runs on a generic
    plan, made without knowing which issue or meeting it is asked about; given both
    indexes, that plan may take the key's own and sort every row of the largest issue or
    meeting, where the longer index would have read a page's rows in order and stopped."""

    def describe(self) -> str:
        return f"Drop the index of {self.model_name}.{self.name} (concurrently where possible)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        column = model._meta.get_field(self.name).column
        for name in schema_editor._constraint_names(
            model,
            [column],
            index=True,
            type_=Index.suffix,
            exclude={index.name for index in model._meta.indexes},
        ):
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        schema_editor.execute(
            schema_editor._create_index_sql(model, fields=[field], concurrently=True)
        )
