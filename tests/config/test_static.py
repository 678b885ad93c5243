from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings


def test_collectstatic_builds_the_production_manifest(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
        url = static("css/app.css")
    assert (
        url.startswith("/static/css/app.") and url.endswith(".css") and url != "/static/css/app.css"
    )
    assert (tmp_path / "staticfiles.json").exists()


def test_the_production_storage_remembers_the_manifests_urls(tmp_path, settings):
    """common.staticfiles: the same URLs as WhiteNoise's storage, computed once a name."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "common.staticfiles.RememberedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
        storage = staticfiles_storage._wrapped
        url = static("css/app.css")
        assert url == super(type(storage), storage).url("css/app.css") != "/static/css/app.css"
        assert storage._remembered_urls["css/app.css"] == url == static("css/app.css")
        with override_settings(DEBUG=True):  # Django's rule: unhashed names, not remembered
            assert static("admin/css/base.css") == "/static/admin/css/base.css"
        assert "admin/css/base.css" not in storage._remembered_urls
