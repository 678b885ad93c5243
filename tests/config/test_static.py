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
