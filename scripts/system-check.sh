#!/usr/bin/env bash
# Says clearly what is missing on this machine instead of failing obscurely later.
python="${1:-python3}"
missing=0
if ! command -v "$python" >/dev/null 2>&1; then
  echo "Python 3.11 est introuvable ($python). Sous Debian : apt-get install python3 python3-venv"; exit 1
fi
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$version" != "3.11" ]; then
  echo "Python 3.11 est requis (trouvé : $version). Indiquez-le avec : make PYTHON=python3.11 …"; exit 1
fi
if ! "$python" -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "Le module venv de Python manque. Sous Debian : apt-get install python3-venv"; missing=1
fi
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libfontconfig.so.1; do
  if ! /sbin/ldconfig -p 2>/dev/null | grep -q "$lib"; then
    echo "Bibliothèque système manquante pour WeasyPrint : $lib."; missing=1
  fi
done
if [ "$missing" = 1 ]; then
  echo "Sous Debian : apt-get install python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core"
  exit 1
fi
