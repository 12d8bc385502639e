"""Migration operations that keep large tables writable while they change."""

from django.db.migrations.operations import AddIndex


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
