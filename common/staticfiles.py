"""The production static storage, its URLs remembered per process (decision 012).

`{% static %}` asks the storage for a file's URL: the manifest's storage cleans the
name, looks it up in the manifest and joins it to STATIC_URL on every call, about
30 µs, and an admin page asks for about twenty. The answer depends only on the name
and on the manifest, which is read when the process starts (a deployment restarts the
workers): it is kept, per name, for the life of the storage. `collectstatic` rewrites
the manifest through `post_process`, which starts the memo again empty."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

MAX_NAMES = 2048  # the memo starts again empty past this many names (names come from templates)


class RememberedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, `url(name)` computed once per name."""

    def __init__(self, *args, **kwargs):
        self._remembered_urls = {}
        super().__init__(*args, **kwargs)

    def url(self, name, force=False):
        # DEBUG serves unhashed names (Django's rule, read on each call): not remembered.
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._remembered_urls[name]
        except (KeyError, TypeError):
            pass
        url = super().url(name, force)
        try:
            if len(self._remembered_urls) >= MAX_NAMES:
                self._remembered_urls.clear()
            self._remembered_urls[name] = url
        except TypeError:  # a name that is not hashable: asked again next time
            pass
        return url

    def post_process(self, *args, **kwargs):
        self._remembered_urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._remembered_urls.clear()
