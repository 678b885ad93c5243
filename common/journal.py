"""Append-only journals: business events worth keeping forever (security, money).

A journal row is written once; `save()` refuses updates and `delete()` refuses deletion,
on the object and on a queryset alike (as Aidants Connect's journal does)."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.journal_name} ne se modifie pas.")

    def delete(self):
        raise PermissionError(f"{self.model.journal_name} ne s'efface pas.")


class AppendOnlyModel(models.Model):
    """The base of every journal. Subclasses set `journal_name` (« Le journal … »)."""

    journal_name = "Le journal"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self.journal_name} ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self.journal_name} ne s'efface pas.")
